/** HTTP dates as Python's `email.utils.parsedate_tz` reads them (for Retry-After). */

// Month and zone names as Python's email.utils.parsedate_tz knows them (zones in hours).
// biome-ignore format: a table
const MONTHS = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
];
const DAYS = new Set(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
// biome-ignore format: a table
const ZONES: Record<string, number> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0, AST: -4, ADT: -3, EST: -5, EDT: -4,
  CST: -6, CDT: -5, MST: -7, MDT: -6, PST: -8, PDT: -7,
};
const TIME = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?([+-]\d{1,4})?$/;

/** 0-11 for a month's full or three-letter name, else -1. */
function monthOf(token: string): number {
  const t = token.toLowerCase();
  return MONTHS.findIndex((name) => name === t || name.slice(0, 3) === t);
}

function zoneMinutes(token: string): number {
  if (/^[+-]\d{1,4}$/.test(token)) {
    const n = Number.parseInt(token.slice(1), 10);
    return (token[0] === '-' ? -1 : 1) * (Math.trunc(n / 100) * 60 + (n % 100));
  }
  // Unknown zone names count as UTC, as Python's email.utils.parsedate_tz does.
  return (ZONES[token.toUpperCase()] ?? 0) * 60;
}

/**
 * Epoch ms of an HTTP date in the forms email.utils.parsedate_tz takes: IMF-fixdate
 * (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`), asctime
 * (`Sun Nov  6 08:49:37 1994`), and RFC 2822 variants (numeric zones, no seconds, 2-digit years).
 * A date without a zone is UTC. Returns null when it is none of these.
 */
export function parseHttpDate(value: string): number | null {
  let tokens = value.trim().split(/\s+/);
  const first = tokens[0]!.toLowerCase();
  if (first.endsWith(',') || DAYS.has(first)) tokens.shift();
  else tokens[0] = tokens[0]!.slice(tokens[0]!.lastIndexOf(',') + 1);
  if (tokens.length === 3 && tokens[0]!.split('-').length === 3) {
    tokens = [...tokens[0]!.split('-'), ...tokens.slice(1)];
  }
  let month = -1;
  let time: RegExpExecArray | null = null;
  let zone = 0;
  const numbers: number[] = [];
  for (const raw of tokens.slice(0, 5)) {
    const token = raw.replace(/,$/, '');
    const m = month === -1 ? monthOf(token) : -1;
    if (m !== -1) month = m;
    else if (/^\d+$/.test(token)) numbers.push(Number.parseInt(token, 10));
    else if (time === null && (time = TIME.exec(token)))
      zone = time[4] ? zoneMinutes(time[4]) : zone;
    else if (/^([+-]\d{1,4}|[a-z]+)$/i.test(token)) zone = zoneMinutes(token);
    else return null;
  }
  if (month === -1 || time === null || numbers.length !== 2) return null;
  const [day, rawYear] = numbers as [number, number];
  const year = rawYear >= 100 ? rawYear : rawYear + (rawYear > 68 ? 1900 : 2000);
  const [, hh, mm, ss = '0'] = time;
  const utc = Date.UTC(year, month, day, Number(hh), Number(mm), Number(ss));
  return utc - zone * 60_000;
}
