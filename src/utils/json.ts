/**
 * JSON text as Python's `json.loads` reads it, for `Response.json()`: `JSON.parse` does the work,
 * and only when it refuses the text does a small parser here take over, to accept what Python
 * accepts besides (`NaN`, `Infinity`, `-Infinity`) or to say where the text is wrong in Python's
 * words ('Expecting value: line 1 column 1 (char 0)').
 */

/** Why a JSON text was refused, with Python's `JSONDecodeError` fields. */
export class JsonSyntaxError extends SyntaxError {
  override name = 'JsonSyntaxError';
  /** The unformatted message, e.g. 'Expecting value'. */
  readonly msg: string;
  /** The text that was parsed. */
  readonly doc: string;
  /** Index of the error in `doc`, counted in code points as Python does. */
  readonly pos: number;
  readonly lineno: number;
  readonly colno: number;

  constructor(msg: string, doc: string, unitIndex: number) {
    const pos = codePointIndex(doc, unitIndex);
    const before = doc.slice(0, unitIndex);
    const lineno = before.split('\n').length;
    const colno = pos - codePointIndex(doc, before.lastIndexOf('\n') + 1) + 1;
    super(`${msg}: line ${lineno} column ${colno} (char ${pos})`);
    this.msg = msg;
    this.doc = doc;
    this.pos = pos;
    this.lineno = lineno;
    this.colno = colno;
  }
}

function codePointIndex(text: string, unitIndex: number): number {
  let pairs = 0;
  for (let i = 0; i < unitIndex - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        pairs++;
        i++;
      }
    }
  }
  return unitIndex - pairs;
}

/**
 * Parses `text` as Python's `json.loads` does.
 * @throws JsonSyntaxError with Python's message when the text is not JSON.
 * @example
 * parseJson('[NaN]'); // [NaN]
 * parseJson(''); // throws 'Expecting value: line 1 column 1 (char 0)'
 */
export function parseJson(text: string): unknown {
  if (text.charCodeAt(0) === 0xfeff) {
    throw new JsonSyntaxError('Unexpected UTF-8 BOM (decode using utf-8-sig)', text, 0);
  }
  try {
    return JSON.parse(text);
  } catch {
    return new PythonJsonParser(text).parseDocument();
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;
const STRING_CHUNK = /[^"\\\x00-\x1f]*/y;
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};
const CONSTANTS: ReadonlyArray<readonly [string, unknown]> = [
  ['null', null],
  ['true', true],
  ['false', false],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
];

/** A recursive-descent parser following CPython's `_json` scanner and its messages. */
class PythonJsonParser {
  readonly #s: string;
  #i = 0;

  constructor(text: string) {
    this.#s = text;
  }

  parseDocument(): unknown {
    this.#skip();
    const value = this.#value();
    this.#skip();
    if (this.#i !== this.#s.length) this.#fail('Extra data');
    return value;
  }

  #fail(msg: string, at = this.#i): never {
    throw new JsonSyntaxError(msg, this.#s, at);
  }

  #skip(): void {
    WHITESPACE.lastIndex = this.#i;
    WHITESPACE.test(this.#s);
    this.#i = WHITESPACE.lastIndex;
  }

  #value(): unknown {
    const c = this.#s[this.#i];
    if (c === '"') return this.#string();
    if (c === '{') return this.#object();
    if (c === '[') return this.#array();
    for (const [word, value] of CONSTANTS) {
      if (this.#s.startsWith(word, this.#i)) {
        this.#i += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = this.#i;
    const m = NUMBER.exec(this.#s);
    if (!m) return this.#fail('Expecting value');
    this.#i += m[0].length;
    return Number(m[0]);
  }

  #string(): string {
    const start = this.#i;
    const s = this.#s;
    let out = '';
    this.#i++;
    for (;;) {
      STRING_CHUNK.lastIndex = this.#i;
      STRING_CHUNK.test(s);
      out += s.slice(this.#i, STRING_CHUNK.lastIndex);
      this.#i = STRING_CHUNK.lastIndex;
      const c = s[this.#i];
      if (c === undefined) return this.#fail('Unterminated string starting at', start);
      if (c === '"') {
        this.#i++;
        return out;
      }
      if (c !== '\\') return this.#fail('Invalid control character at');
      out += this.#escape(start);
    }
  }

  #escape(start: number): string {
    const s = this.#s;
    const e = s[this.#i + 1];
    if (e === undefined) return this.#fail('Unterminated string starting at', start);
    if (e !== 'u') {
      const ch = ESCAPES[e];
      if (ch === undefined) return this.#fail('Invalid \\escape');
      this.#i += 2;
      return ch;
    }
    const hex = s.slice(this.#i + 2, this.#i + 6);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) return this.#fail('Invalid \\uXXXX escape', this.#i + 1);
    this.#i += 6;
    return String.fromCharCode(Number.parseInt(hex, 16));
  }

  #object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.#i++;
    this.#skip();
    if (this.#s[this.#i] === '}') {
      this.#i++;
      return out;
    }
    for (;;) {
      if (this.#s[this.#i] !== '"') this.#fail('Expecting property name enclosed in double quotes');
      const key = this.#string();
      this.#skip();
      if (this.#s[this.#i] !== ':') this.#fail("Expecting ':' delimiter");
      this.#i++;
      this.#skip();
      // defineProperty keeps a "__proto__" key an own property, as JSON.parse does.
      Object.defineProperty(out, key, {
        value: this.#value(),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.#skip();
      const c = this.#s[this.#i];
      this.#i++;
      if (c === '}') return out;
      if (c !== ',') this.#fail("Expecting ',' delimiter", this.#i - 1);
      this.#skip();
    }
  }

  #array(): unknown[] {
    const out: unknown[] = [];
    this.#i++;
    this.#skip();
    if (this.#s[this.#i] === ']') {
      this.#i++;
      return out;
    }
    for (;;) {
      out.push(this.#value());
      this.#skip();
      const c = this.#s[this.#i];
      this.#i++;
      if (c === ']') return out;
      if (c !== ',') this.#fail("Expecting ',' delimiter", this.#i - 1);
      this.#skip();
    }
  }
}
