/** requests' `build_response`, shared by HTTPAdapter and MockAdapter. */
import { extractCookiesToJar } from '../cookies.js';
import type { PreparedRequest } from '../models/prepared-request.js';
import { Response } from '../models/response.js';
import type { RawResponse } from '../pool/types.js';
import type { BaseAdapter } from './base-adapter.js';

/** A Response for `raw`, with headers, encoding, cookies and its request and adapter attached. */
export function buildResponse(
  adapter: BaseAdapter,
  request: PreparedRequest,
  raw: RawResponse,
): Response {
  const response = new Response();
  response.statusCode = raw.status;
  response.raw = raw; // headers and encoding are read from it on first use
  response.reason = raw.reason;
  response.url = request.url ?? '';
  const setCookie = raw.headers['set-cookie'];
  if (setCookie !== undefined) {
    extractCookiesToJar(
      response.cookies,
      response.url,
      typeof setCookie === 'string' ? [setCookie] : setCookie,
    );
  }
  response.request = request;
  response.connection = adapter;
  return response;
}
