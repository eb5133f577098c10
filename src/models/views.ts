/**
 * The printed and serialised forms of Request, PreparedRequest and Response: short, useful and
 * redacted (no URL password, no Authorization / Proxy-Authorization / Cookie value).
 * `util.inspect(r)` gives `<Response [200] GET https://host/path> { ... }`.
 */
import { installView, redactHeaders, redactUrl } from '../_internal/redact.js';
import type { PreparedRequest } from './prepared-request.js';
import type { Request } from './request.js';
import type { Response } from './response.js';

type Ctor<T> = abstract new (...args: any[]) => T;

function requestLine(method: string | null | undefined, url: unknown): string {
  const u = url == null ? '' : redactUrl(String(url));
  return `${method ?? 'GET'} ${u}`.trimEnd();
}

function bodySummary(body: unknown): string | null {
  if (body == null) return null;
  if (typeof body === 'string') return `string(${body.length})`;
  if (body instanceof Uint8Array) return `bytes(${body.byteLength})`;
  return (body as object).constructor?.name ?? typeof body;
}

/** Installs the view of PreparedRequest. */
export function installPreparedRequestView(cls: Ctor<PreparedRequest>): void {
  installView(
    cls,
    (p) => ({
      method: p.method,
      url: p.url == null ? null : redactUrl(p.url),
      headers: redactHeaders(p.headers),
      body: bodySummary(p.body),
    }),
    (p) => `<PreparedRequest [${requestLine(p.method, p.url)}]>`,
  );
}

/** Installs the view of Request (its inputs; auth and cookies shown only as present). */
export function installRequestView(cls: Ctor<Request>): void {
  installView(
    cls,
    (r) => ({
      method: r.method ?? null,
      url: r.url == null ? null : redactUrl(String(r.url)),
      headers: r.headers == null ? null : redactHeaders(r.headers as Record<string, unknown>),
      auth: r.auth == null ? null : '[redacted]',
      cookies: r.cookies == null ? null : '[redacted]',
    }),
    (r) => `<Request [${requestLine(r.method, r.url)}]>`,
  );
}

/** Installs the view of Response. */
export function installResponseView(cls: Ctor<Response>): void {
  installView(
    cls,
    (r) => ({
      statusCode: r.statusCode,
      reason: r.reason,
      url: redactUrl(r.url),
      headers: redactHeaders(r.headers),
      elapsed: r.elapsed,
      history: r.history.map((h) => `<Response [${h.statusCode}] ${redactUrl(h.url)}>`),
    }),
    (r) => `<Response [${r.statusCode}] ${requestLine(r.request?.method, r.url)}>`,
  );
}
