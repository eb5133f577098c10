/**
 * HTTPie's request items: `Header:value`, `name=value`, `name:=json`, `name==query`,
 * `field@path`, `name=@file`, `name:=@file`, `=@path` (raw body). Pure: no I/O, no library.
 */

/** What one item adds to the request. */
export type ItemKind =
  | 'header' // Name:value (empty value: remove the header)
  | 'query' // name==value
  | 'data' // name=value (a JSON string, or a form field)
  | 'json' // name:=<raw JSON>
  | 'data-file' // name=@file (the file's text as the value)
  | 'json-file' // name:=@file (the file's JSON as the value)
  | 'file' // field@path (a multipart file part)
  | 'raw-file'; // =@path (the whole body)

export interface RequestItem {
  kind: ItemKind;
  key: string;
  value: string;
}

// Longest first, so that `:=@` wins over `:=` and `:` at the same position.
const SEPARATORS: [string, ItemKind][] = [
  [':=@', 'json-file'],
  ['==', 'query'],
  ['=@', 'data-file'],
  [':=', 'json'],
  [':', 'header'],
  ['=', 'data'],
  ['@', 'file'],
];

/** Error for input the user must fix: exit 2 with its message. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Splits one item at its first separator; a backslash escapes the next character (`a\:b=c`).
 * Returns null when the text has no separator (then it is not an item).
 * @example parseItem('X-Api:1') // { kind: 'header', key: 'X-Api', value: '1' }
 */
export function parseItem(text: string): RequestItem | null {
  let key = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      key += text[++i];
      continue;
    }
    for (const [sep, kind] of SEPARATORS) {
      if (!text.startsWith(sep, i)) continue;
      const value = unescapeItem(text.slice(i + sep.length));
      if (kind === 'data-file' && key === '') return { kind: 'raw-file', key, value };
      if (key === '' && kind !== 'data' && kind !== 'json') return null;
      return { kind, key, value };
    }
    key += ch;
  }
  return null;
}

function unescapeItem(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

/** The items sorted by what they feed. */
export interface SortedItems {
  headers: [string, string | null][];
  query: [string, string][];
  /** name=value and name:=json items, values already decoded (JSON values parsed). */
  fields: [string, unknown][];
  files: [string, string][];
  rawFile: string | null;
}

/**
 * Sorts items; `readText` reads a file named by `=@`/`:=@` (injected so this stays pure).
 * @throws UsageError on bad JSON, a raw body mixed with fields, or two raw bodies.
 */
export function sortItems(items: RequestItem[], readText: (path: string) => string): SortedItems {
  const out: SortedItems = { headers: [], query: [], fields: [], files: [], rawFile: null };
  for (const it of items) {
    switch (it.kind) {
      case 'header':
        out.headers.push([it.key.trim(), it.value.trim() === '' ? null : it.value.trim()]);
        break;
      case 'query':
        out.query.push([it.key, it.value]);
        break;
      case 'data':
        out.fields.push([it.key, it.value]);
        break;
      case 'data-file':
        out.fields.push([it.key, readText(it.value)]);
        break;
      case 'json':
        out.fields.push([it.key, parseJson(it.value, it.key)]);
        break;
      case 'json-file':
        out.fields.push([it.key, parseJson(readText(it.value), it.key)]);
        break;
      case 'file':
        out.files.push([it.key, it.value]);
        break;
      case 'raw-file':
        if (out.rawFile !== null) throw new UsageError('give at most one raw body (=@path)');
        out.rawFile = it.value;
    }
  }
  if (out.rawFile !== null && (out.fields.length > 0 || out.files.length > 0))
    throw new UsageError('a raw body (=@path) cannot be mixed with data fields or files');
  return out;
}

function parseJson(text: string, key: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${key}:= takes raw JSON: ${(err as Error).message}`);
  }
}
