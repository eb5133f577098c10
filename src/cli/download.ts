/**
 * `-d/--download`: the body to a file (or to stdout when it is piped and no -o is given), exact
 * bytes, a progress line on stderr, `-c` resuming with Range + If-Range and checking the answer.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename } from 'node:path';
import type { Response } from '../index.js';
import { humanBytes, Progress } from './progress.js';

export interface DownloadIo {
  writeOut: (bytes: Uint8Array) => void;
  writeErr: (s: string) => void;
  /** Write the body to stdout (no -o, stdout redirected). */
  toStdout: boolean;
  stderrIsTTY: boolean;
}

/** Where a download goes and what it resumes from, decided before the request is sent. */
export interface DownloadPlan {
  path: string | null;
  /** Bytes already on disk to resume after (0: from the start). */
  offset: number;
  /** The validator the partial file was fetched with (If-Range), if the server gave one. */
  validator: string | null;
}

/** Thrown for a download that cannot complete as asked (exit 1, one line). */
export class DownloadError extends Error {
  override name = 'DownloadError';
}

function sidecar(path: string): string {
  return `${path}.resume`;
}

/** Plans a download to `output` (null: named after the response); headers to add for resuming. */
export function planDownload(
  output: string | null,
  resume: boolean,
): { plan: DownloadPlan; headers: Record<string, string> } {
  const headers: Record<string, string> = { 'Accept-Encoding': 'identity' };
  const plan: DownloadPlan = { path: output, offset: 0, validator: null };
  if (resume && output !== null && existsSync(output)) {
    plan.offset = statSync(output).size;
    try {
      plan.validator = (
        JSON.parse(readFileSync(sidecar(output), 'utf8')) as { validator: string }
      ).validator;
    } catch {}
    if (plan.offset > 0) {
      headers.Range = `bytes=${plan.offset}-`;
      if (plan.validator !== null) headers['If-Range'] = plan.validator;
    }
  }
  return { plan, headers };
}

function validatorOf(r: Response): string | null {
  const etag = r.headers.get('ETag');
  if (typeof etag === 'string' && !etag.startsWith('W/')) return etag;
  const lm = r.headers.get('Last-Modified');
  return typeof lm === 'string' ? lm : null;
}

/** A file name from Content-Disposition, else the URL's last segment, never a path. */
export function filenameFor(r: Response): string {
  const cd = String(r.headers.get('Content-Disposition') ?? '');
  let name = '';
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)?'[^']*'([^;]+)/.exec(cd);
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/.exec(cd);
  if (star) {
    try {
      name = decodeURIComponent(star[1]!.trim());
    } catch {}
  }
  if (!name && plain) name = (plain[1] ?? plain[2] ?? '').replace(/\\(.)/g, '$1');
  if (!name) {
    const path = new URL(r.url).pathname;
    try {
      name = decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
    } catch {}
  }
  name = basename(name.replace(/\\/g, '/'))
    .replace(/[\x00-\x1f]/g, '')
    .replace(/^\.+/, '');
  return name || 'index';
}

/** `name`, or `name-1`, `name-2`... so that no file is overwritten (as HTTPie). */
export function uniqueName(name: string): string {
  if (!existsSync(name)) return name;
  for (let i = 1; i < 10_000; i++) if (!existsSync(`${name}-${i}`)) return `${name}-${i}`;
  throw new DownloadError(`too many files named ${name}-N here: give -o FILE`);
}

/** Where to write, at which offset (checking a 206 against what was asked), the total expected. */
function placeBody(r: Response, plan: DownloadPlan): { offset: number; total: number | null } {
  const length = contentLength(r);
  if (r.statusCode === 206) {
    const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(r.headers.get('Content-Range') ?? ''));
    if (m === null || Number(m[1]) !== plan.offset)
      throw new DownloadError(
        `the server answered a range other than bytes=${plan.offset}- : delete the file or drop --continue`,
      );
    const got = validatorOf(r);
    if (plan.validator !== null && got !== null && got !== plan.validator)
      throw new DownloadError(
        'the file changed on the server since the partial download: delete it or drop --continue',
      );
    return {
      offset: plan.offset,
      total: m[3] === '*' ? (length === null ? null : plan.offset + length) : Number(m[3]),
    };
  }
  return { offset: 0, total: length };
}

function contentLength(r: Response): number | null {
  const enc = String(r.headers.get('Content-Encoding') ?? 'identity').toLowerCase();
  const cl = r.headers.get('Content-Length');
  if (enc !== 'identity' || typeof cl !== 'string' || !/^\d+$/.test(cl)) return null;
  return Number(cl);
}

/** True when a 416 says the file on disk is already whole. */
export function alreadyComplete(r: Response, plan: DownloadPlan): boolean {
  const m = /^bytes \*\/(\d+)$/.exec(String(r.headers.get('Content-Range') ?? ''));
  return r.statusCode === 416 && plan.offset > 0 && m !== null && Number(m[1]) === plan.offset;
}

/** Streams the body of `r` to its destination; returns the path written (null: stdout). */
export async function saveBody(
  r: Response,
  plan: DownloadPlan,
  io: DownloadIo,
): Promise<string | null> {
  const { offset, total } = placeBody(r, plan);
  const toStdout = plan.path === null && io.toStdout;
  const path = toStdout ? null : (plan.path ?? uniqueName(filenameFor(r)));
  const fd = path === null ? -1 : openSync(path, offset > 0 ? 'a' : 'w');
  const validator = validatorOf(r);
  if (path !== null && validator !== null)
    writeFileSync(sidecar(path), JSON.stringify({ url: r.url, validator }));
  io.writeErr(
    `Downloading ${total === null ? '' : `${humanBytes(total - offset)} `}to ${path === null ? 'stdout' : `"${path}"`}${offset > 0 ? ` (resuming at byte ${offset})` : ''}\n`,
  );
  const bar = new Progress({ write: io.writeErr, terminal: io.stderrIsTTY, total, start: offset });
  let done = offset;
  try {
    for await (const chunk of r.iterContent({ chunkSize: null })) {
      if (fd === -1) io.writeOut(chunk);
      else writeSync(fd, chunk);
      done += chunk.length;
      bar.update(chunk.length);
    }
  } finally {
    if (fd !== -1) closeSync(fd);
  }
  bar.finish();
  if (total !== null && done !== total)
    throw new DownloadError(
      `incomplete download: ${done} of ${total} bytes; run again with --continue to resume`,
    );
  if (path !== null) rmSync(sidecar(path), { force: true });
  return path;
}
