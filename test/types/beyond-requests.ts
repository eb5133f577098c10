/**
 * Type tests for API.md's "Beyond requests" names (checked by `tsc --noEmit`, never run): every
 * diagnostics message type, Timings, Progress, ServerSentEvent and EventsOptions are exported
 * from the package and hold the fields the contract lists.
 */
import diagnostics from 'node:diagnostics_channel';
import type {
  EventsOptions,
  Progress,
  ProgressCallback,
  RequestAttemptMessage,
  RequestEndMessage,
  RequestErrorMessage,
  RequestRedirectMessage,
  RequestRetryMessage,
  RequestStartMessage,
  Response,
  ServerSentEvent,
  Session,
  Timings,
} from '../../src/index.js';

export function diagnosticsMessages(): void {
  diagnostics.subscribe('requests-ts:request:start', (m) => {
    const { method, url, request }: RequestStartMessage = m as RequestStartMessage;
    void [method.toUpperCase(), url.length, request.url];
  });
  diagnostics.subscribe('requests-ts:request:attempt', (m) => {
    const { method, url, attempt }: RequestAttemptMessage = m as RequestAttemptMessage;
    void [method, url, attempt + 1];
  });
  diagnostics.subscribe('requests-ts:request:retry', (m) => {
    const { attempt, error, status }: RequestRetryMessage = m as RequestRetryMessage;
    const code: number | null = status;
    void [attempt + 1, error, code];
  });
  diagnostics.subscribe('requests-ts:request:redirect', (m) => {
    const { status, location, response }: RequestRedirectMessage = m as RequestRedirectMessage;
    void [status + 1, location.length, response.statusCode];
  });
  diagnostics.subscribe('requests-ts:request:end', (m) => {
    const end = m as RequestEndMessage;
    const timings: Timings = end.timings;
    const numbers: number[] = [end.status, end.elapsed, end.attempts, end.version];
    void [timings, numbers, end.response.statusCode, end.method, end.url];
  });
  diagnostics.subscribe('requests-ts:request:error', (m) => {
    const { error, method, url }: RequestErrorMessage = m as RequestErrorMessage;
    void [error, method, url];
  });
}

export function timingsOf(r: Response): number | null {
  const t: Timings = r.timings;
  const reused: boolean = t.reused;
  const phases: (number | null)[] = [
    t.queued,
    t.dns,
    t.connect,
    t.tls,
    t.request,
    t.firstByte,
    t.download,
    t.total,
  ];
  void reused;
  return phases[0] ?? null;
}

export async function progressAndEvents(s: Session): Promise<void> {
  const seen: Progress[] = [];
  const onUploadProgress: ProgressCallback = (p) => {
    const total: number | null = p.total;
    seen.push({ transferred: p.transferred, total });
  };
  await s.post('http://127.0.0.1/', { data: 'x', onUploadProgress, onDownloadProgress: (p) => p });
  const options: EventsOptions = { method: 'POST', json: {}, retry: 3, lastEventId: '7' };
  for await (const e of s.events('http://127.0.0.1/', options)) {
    const event: ServerSentEvent = e;
    const fields: [string, string, string, number | null] = [e.event, e.data, e.id, e.retry];
    void [event, fields];
  }
}
