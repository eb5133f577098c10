/**
 * Options objects checked for keys they do not know (a Python habit such as `allow_redirects`,
 * or a typo, would otherwise be ignored in plain JavaScript). The check is one `for...in` over
 * the caller's keys against a precomputed Set; only an unknown key costs more.
 */

/**
 * The key set of an options interface. Typed as a record of every key, so adding an option to
 * the interface without listing it here fails to compile.
 * @example const KEYS = optionKeys<{ a?: number }>({ a: true });
 */
export function optionKeys<T>(
  keys: { readonly [K in keyof Required<T>]: true },
): ReadonlySet<string> {
  return new Set(Object.keys(keys));
}

/**
 * Throws when `options` has a key not in `known`.
 * @param what how the message names the options, e.g. `'request option'`.
 * @throws {TypeError} naming the key and the nearest valid one: `Unknown request option
 *   'allow_redirects': did you mean allowRedirects?`
 */
export function checkOptionKeys(options: object, known: ReadonlySet<string>, what: string): void {
  for (const key in options) {
    if (!known.has(key)) throw unknownOption(key, known, what);
  }
}

function unknownOption(key: string, known: ReadonlySet<string>, what: string): TypeError {
  const near = nearestKey(key, known);
  const hint = near === null ? `valid ones are ${[...known].join(', ')}` : `did you mean ${near}?`;
  return new TypeError(`Unknown ${what} '${key}': ${hint}`);
}

/**
 * The valid key closest to `key`: its camelCase form (`allow_redirects` -> `allowRedirects`),
 * the same letters in another case, a valid key it starts with (`connect_timeout` -> `connect`),
 * or the nearest by edit distance when close enough.
 */
export function nearestKey(key: string, known: ReadonlySet<string>): string | null {
  const camel = key.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
  const folded = camel.toLowerCase();
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const lower = candidate.toLowerCase();
    if (candidate === camel || lower === folded) return candidate;
    // `connect_timeout` -> `connect`: a valid key the unknown one starts with.
    const d = folded.startsWith(lower) ? 1 : editDistance(folded, lower);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, one row at a time; option names are short. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = row;
  }
  return prev[b.length]!;
}
