/**
 * What a Session reports through `node:diagnostics_channel`, one message per HTTP request sent
 * (a redirect hop is a request of its own, as OpenTelemetry's HTTP client spans count them).
 * Free when nobody listens: each publish is behind `hasSubscribers`. The pool adds
 * `requests-ts:request:attempt` and `requests-ts:request:retry` for each try on the wire.
 */
import diagnostics from 'node:diagnostics_channel';
import { redactUrl } from '../_internal/redact.js';
import type { BaseAdapter, SendOptions } from '../adapters/base-adapter.js';
import type { PreparedRequest } from '../models/prepared-request.js';
import type { Response } from '../models/response.js';
import type { Timings } from '../pool/timings.js';

/** Published on `requests-ts:request:start` when a Session sends a request. */
export interface RequestStartMessage {
  /** The request; the same object is in the `end` or `error` message that follows. */
  request: PreparedRequest;
  method: string;
  /** Credentials redacted. */
  url: string;
}

/**
 * Published on `requests-ts:request:end` when the adapter answered: after the body was read, or
 * once the headers are in for a `stream: true` request (whose `timings` then have `download` and
 * `total` null: read `response.timings` again after the body for those).
 */
export interface RequestEndMessage extends RequestStartMessage {
  response: Response;
  status: number;
  /** ms from sending to the headers parsed, as `Response.elapsed`. */
  elapsed: number;
  /** `response.timings` at this moment (of the last try, with retries). */
  timings: Timings;
  /** Tries on the wire it took: 1, or more after retries (the last `:attempt` number). */
  attempts: number;
  /** HTTP version of the response: 11, or 20 for HTTP/2 (0 when the adapter does not say). */
  version: number;
}

/** Published on `requests-ts:request:error` when a request fails. */
export interface RequestErrorMessage extends RequestStartMessage {
  error: unknown;
}

/** Published on `requests-ts:request:redirect` before a redirect is followed. */
export interface RequestRedirectMessage extends RequestStartMessage {
  /** The response that redirects. */
  response: Response;
  status: number;
  /** Where it leads, credentials redacted. */
  location: string;
}

/** @example diagnostics_channel.subscribe('requests-ts:request:start', (m) => console.log(m.method, m.url)) */
export const requestStart = diagnostics.channel('requests-ts:request:start');
/** @example diagnostics_channel.subscribe('requests-ts:request:end', (m) => console.log(m.status)) */
export const requestEnd = diagnostics.channel('requests-ts:request:end');
/** @example diagnostics_channel.subscribe('requests-ts:request:error', (m) => console.log(m.error)) */
export const requestError = diagnostics.channel('requests-ts:request:error');
/** @example diagnostics_channel.subscribe('requests-ts:request:redirect', (m) => console.log(m.location)) */
export const requestRedirect = diagnostics.channel('requests-ts:request:redirect');

/** Whether anybody listens to the start, end or error of requests. */
export function observed(): boolean {
  return requestStart.hasSubscribers || requestEnd.hasSubscribers || requestError.hasSubscribers;
}

/**
 * Sends one request (no redirects) through `adapter`, publishing its start and its end or error;
 * `elapsed` measured from `start` when the adapter did not (as Session.send does). Each message
 * is built only when its channel has subscribers; the URL is redacted once for all of them.
 */
export async function observe(
  adapter: BaseAdapter,
  request: PreparedRequest,
  options: SendOptions,
  start: number,
): Promise<Response> {
  const method = request.method ?? '';
  const url = redactUrl(request.url ?? '');
  if (requestStart.hasSubscribers) {
    const message: RequestStartMessage = { request, method, url };
    requestStart.publish(message);
  }
  let response: Response;
  try {
    response = await adapter.send(request, options);
  } catch (error) {
    if (requestError.hasSubscribers) {
      const message: RequestErrorMessage = { request, method, url, error };
      requestError.publish(message);
    }
    throw error;
  }
  // HTTPAdapter measures up to the headers (requests' elapsed); other adapters get the call.
  if (response.elapsed === 0) response.elapsed = performance.now() - start;
  if (requestEnd.hasSubscribers) {
    const raw = response.raw;
    const message: RequestEndMessage = {
      request,
      method,
      url,
      response,
      status: response.statusCode,
      elapsed: response.elapsed,
      timings: response.timings,
      attempts: (raw?.retries?.history.length ?? 0) + 1,
      version: raw?.version ?? 0,
    };
    requestEnd.publish(message);
  }
  return response;
}

/** Publishes that `response` to `request` redirects to `location`. */
export function publishRedirect(
  request: PreparedRequest,
  response: Response,
  location: string,
): void {
  if (!requestRedirect.hasSubscribers) return;
  const message: RequestRedirectMessage = {
    request,
    method: request.method ?? '',
    url: redactUrl(request.url ?? ''),
    response,
    status: response.statusCode,
    location: redactUrl(location),
  };
  requestRedirect.publish(message);
}
