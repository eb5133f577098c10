import type { PreparedRequest } from './prepared-request.js';
/** placeholder */
export class Response {
  request: PreparedRequest | null = null;
}
