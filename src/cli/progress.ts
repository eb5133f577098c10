/**
 * The download progress on stderr: a bar redrawn in place on a terminal (bytes, rate, ETA), a
 * start line and an end line when stderr is not a terminal.
 */

/** Bytes as people read them: 1.5 MB. */
export function humanBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return i === 0 ? `${n} B` : `${n.toFixed(n < 10 ? 2 : 1)} ${units[i]}`;
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export interface ProgressOptions {
  write: (s: string) => void;
  terminal: boolean;
  /** Bytes expected in all (null: unknown). */
  total: number | null;
  /** Bytes already on disk (resume). */
  start: number;
  /** Redraws at most this often, ms. @default 100 */
  interval?: number;
  now?: () => number;
}

/** Tracks bytes and draws; call `update` per chunk and `finish` once. */
export class Progress {
  #o: ProgressOptions;
  #done: number;
  #began: number;
  #lastDraw = -Infinity;

  constructor(o: ProgressOptions) {
    this.#o = o;
    this.#done = o.start;
    this.#began = (o.now ?? (() => performance.now()))();
  }

  #now(): number {
    return (this.#o.now ?? (() => performance.now()))();
  }

  /** Adds `n` bytes; redraws on a terminal when the interval has passed. */
  update(n: number): void {
    this.#done += n;
    if (!this.#o.terminal) return;
    const now = this.#now();
    if (now - this.#lastDraw < (this.#o.interval ?? 100)) return;
    this.#lastDraw = now;
    this.#o.write(`\r${this.line(now)}\x1b[K`);
  }

  /** One status line: percent and bar when the total is known, bytes, rate, ETA. */
  line(now: number = this.#now()): string {
    const { total, start } = this.#o;
    const secs = Math.max((now - this.#began) / 1000, 1e-3);
    const rate = (this.#done - start) / secs;
    const parts: string[] = [];
    if (total !== null && total > 0) {
      const frac = Math.min(this.#done / total, 1);
      const width = 20;
      const full = Math.round(frac * width);
      parts.push(`${String(Math.floor(frac * 100)).padStart(3)} %`);
      parts.push(`[${'#'.repeat(full)}${' '.repeat(width - full)}]`);
      parts.push(`${humanBytes(this.#done)} / ${humanBytes(total)}`);
    } else parts.push(humanBytes(this.#done));
    parts.push(`${humanBytes(Math.round(rate))}/s`);
    if (total !== null && rate > 0 && this.#done < total)
      parts.push(`ETA ${clock((total - this.#done) / rate)}`);
    return parts.join('  ');
  }

  /** The last line: 100 % (or the final count) and the time it took. */
  finish(): void {
    const now = this.#now();
    const secs = (now - this.#began) / 1000;
    if (this.#o.terminal) this.#o.write(`\r${this.line(now)}  in ${clock(secs)}\x1b[K\n`);
    else
      this.#o.write(
        `Done. ${humanBytes(this.#done)} in ${secs.toFixed(2)}s (${humanBytes(Math.round((this.#done - this.#o.start) / Math.max(secs, 1e-3)))}/s)\n`,
      );
  }
}
