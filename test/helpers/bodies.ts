/**
 * Helpers for request bodies in tests: collecting a sendable body, and sending a PreparedRequest
 * with node:http (models tests do not need the pool or the adapter).
 */
import http from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PreparedRequest } from '../../src/models/prepared-request.js';
import type { PoolBody } from '../../src/pool/types.js';

/** All the bytes of a body as the pool would send them. */
export async function collect(body: PoolBody | AsyncIterable<Uint8Array>): Promise<Buffer> {
  if (body == null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

export interface SentResponse {
  status: number;
  body: Buffer;
}

/**
 * Sends `prepared` to its URL with node:http: its method, headers and `bodyForSend()`, streamed
 * with back-pressure. Resolves with the status and body of the answer.
 */
export async function sendPrepared(prepared: PreparedRequest): Promise<SentResponse> {
  const body = prepared.bodyForSend();
  const req = http.request(prepared.url!, {
    method: prepared.method!,
    headers: prepared.headers.toRecord(),
  });
  const answered = new Promise<SentResponse>((resolve, reject) => {
    req.on('response', async (res) => {
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of res) chunks.push(chunk as Buffer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) });
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
  });
  if (body == null) req.end();
  else if (typeof body === 'string' || body instanceof Uint8Array) req.end(body);
  else await pipeline(Readable.from(body as AsyncIterable<Uint8Array>, { objectMode: false }), req);
  return answered;
}
