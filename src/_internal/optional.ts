/**
 * The optional parts (SOCKS, charset detection, zstd, the cookie library), loaded when first
 * needed so that `import('requests-ts')` costs only what a program uses (tough-cookie alone is
 * ~170 ms cold). A synchronous `require` because the callers are synchronous (the cookie jar,
 * `Response.text`, the zstd decoder) and because it behaves the same in the ESM and the
 * CommonJS build; each module is loaded once and kept, so later calls cost a field read.
 */
import { createRequire } from 'node:module';
import type * as Chardet from 'chardet';
import type * as Fzstd from 'fzstd';
import type * as Socks from 'socks';
import type * as ToughCookie from 'tough-cookie';

// scripts/build.mjs rewrites this line in the CommonJS build, where `import.meta` does not exist.
// biome-ignore lint/suspicious/noTsIgnore: an error in the CommonJS build only (TS1343)
// @ts-ignore
const here: string = import.meta.url;

let load: NodeJS.Require | undefined;
function need<T>(name: string): T {
  load ??= createRequire(here);
  return load(name) as T;
}

let tough: typeof ToughCookie | undefined;
let chardet: typeof Chardet | undefined;
let fzstd: typeof Fzstd | undefined;
let socks: typeof Socks | undefined;

/** tough-cookie, for the cookie jar (its first cookie). */
export function toughCookie(): typeof ToughCookie {
  tough ??= need<typeof ToughCookie>('tough-cookie');
  return tough;
}

/** chardet, for `apparentEncoding` (a text body without a charset). */
export function chardetModule(): typeof Chardet {
  chardet ??= need<typeof Chardet>('chardet');
  return chardet;
}

/** fzstd, for `Content-Encoding: zstd`. */
export function fzstdModule(): typeof Fzstd {
  fzstd ??= need<typeof Fzstd>('fzstd');
  return fzstd;
}

/** socks, for `socks4://`/`socks5://` proxies. */
export function socksModule(): typeof Socks {
  socks ??= need<typeof Socks>('socks');
  return socks;
}
