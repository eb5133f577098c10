/**
 * docs/opentelemetry.md: its example, as written (only the package name pointed at src/), is
 * type-checked on its own and run against a local server with a fake tracer collecting spans.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { ConnectionError, HTTPAdapter, Retry, Session } from '../../src/index.js';
import { startServer, type TestServer } from '../helpers/server.js';

const DOC = resolve('docs/opentelemetry.md');
const SRC_INDEX = resolve('src/index.js');

/** The first ```ts block of the page, importing the sources instead of the built package. */
function exampleSource(): string {
  const text = readFileSync(DOC, 'utf8');
  const m = /```ts\n([\s\S]*?)```/.exec(text);
  assert.ok(m, 'the page has a ts example');
  assert.ok(m[1]!.includes("from 'requests-ts'"), 'the example imports the package by its name');
  return m[1]!.replaceAll("from 'requests-ts'", `from '${SRC_INDEX}'`);
}

interface FakeSpan {
  name: string;
  kind: number | undefined;
  attributes: Record<string, string | number | boolean>;
  status: { code: number; message?: string } | null;
  exceptions: Error[];
  ended: number;
}

/** A tracer that keeps every span it starts. */
function fakeTracer() {
  const spans: FakeSpan[] = [];
  const tracer = {
    startSpan(
      name: string,
      options?: { kind?: number; attributes?: Record<string, string | number | boolean> },
    ) {
      const span: FakeSpan = {
        name,
        kind: options?.kind,
        attributes: { ...options?.attributes },
        status: null,
        exceptions: [],
        ended: 0,
      };
      spans.push(span);
      return {
        setAttribute(key: string, value: string | number | boolean) {
          span.attributes[key] = value;
        },
        setStatus(status: { code: number; message?: string }) {
          span.status = status;
        },
        recordException(exception: Error) {
          span.exceptions.push(exception);
        },
        end() {
          span.ended++;
        },
      };
    },
  };
  return { spans, tracer };
}

describe('docs/opentelemetry.md', () => {
  let dir: string;
  let file: string;
  let srv: TestServer;
  let flaky = 0;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otel-doc-'));
    file = join(dir, 'example.mts');
    writeFileSync(file, exampleSource());
    srv = await startServer((req, res) => {
      if (req.url === '/moved') {
        res.writeHead(302, { Location: '/ok', 'Content-Length': '0' });
        return void res.end();
      }
      if (req.url === '/flaky' && flaky++ === 0) {
        res.writeHead(503, { 'Content-Length': '0' });
        return void res.end();
      }
      if (req.url === '/missing') {
        res.writeHead(404, { 'Content-Length': '0' });
        return void res.end();
      }
      res.writeHead(200, { 'Content-Length': '2' });
      res.end('ok');
    });
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await srv.close();
  });

  test('the example type-checks on its own (no OpenTelemetry package needed)', () => {
    const config = ts.readConfigFile(resolve('tsconfig.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, resolve('.'));
    const program = ts.createProgram([file], { ...options, noEmit: true });
    const source = program.getSourceFile(file)!;
    // Only the example is checked (the sources are checked by npm run typecheck).
    const problems = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ].map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    assert.deepEqual(problems, []);
  });

  test('run against a local server: one client span per request, standard attributes', async () => {
    const example = (await import(pathToFileURL(file).href)) as {
      instrumentRequests: (tracer: ReturnType<typeof fakeTracer>['tracer']) => () => void;
    };
    const { spans, tracer } = fakeTracer();
    const stop = example.instrumentRequests(tracer);
    const s = new Session();
    s.trustEnv = false;
    s.mount(
      'http://',
      new HTTPAdapter({ maxRetries: new Retry({ total: 2, statusForcelist: [503] }) }),
    );
    const dead = await startServer();
    const deadPort = dead.port;
    await dead.close();
    try {
      await s.get(`http://user:secret@127.0.0.1:${srv.port}/moved`);
      await s.get(`${srv.url}/flaky`);
      await s.get(`${srv.url}/missing`);
      await assert.rejects(s.get(`http://127.0.0.1:${deadPort}/`), ConnectionError);
    } finally {
      stop();
      await s.close();
    }
    await s.get(`${srv.url}/ok`).catch(() => {}); // after stop: no span
    assert.deepEqual(
      spans.map((sp) => [
        sp.name,
        sp.attributes['url.full'],
        sp.attributes['http.response.status_code'],
      ]),
      [
        ['GET', `http://127.0.0.1:${srv.port}/moved`, 302],
        ['GET', `http://127.0.0.1:${srv.port}/ok`, 200],
        ['GET', `http://127.0.0.1:${srv.port}/flaky`, 200],
        ['GET', `http://127.0.0.1:${srv.port}/missing`, 404],
        ['GET', `http://127.0.0.1:${deadPort}/`, undefined],
      ],
    );
    for (const sp of spans) {
      assert.equal(sp.ended, 1, 'each span ends once');
      assert.equal(sp.kind, 2, 'CLIENT');
      assert.equal(sp.attributes['http.request.method'], 'GET');
      assert.equal(sp.attributes['server.address'], '127.0.0.1');
    }
    const [moved, ok, retried, missing, failed] = spans as [
      FakeSpan,
      FakeSpan,
      FakeSpan,
      FakeSpan,
      FakeSpan,
    ];
    assert.equal(moved.attributes['server.port'], srv.port);
    assert.equal(ok.attributes['network.protocol.version'], '1.1');
    assert.equal(typeof ok.attributes['requests_ts.timings.firstByte'], 'number');
    assert.equal(typeof ok.attributes['requests_ts.timings.total'], 'number');
    assert.equal(ok.attributes['requests_ts.connection.reused'], true);
    assert.equal(moved.attributes['requests_ts.connection.reused'], false);
    assert.equal(retried.attributes['http.request.resend_count'], 1);
    assert.equal(ok.attributes['http.request.resend_count'], undefined);
    assert.equal(missing.attributes['error.type'], '404');
    assert.equal(missing.status?.code, 2);
    assert.equal(ok.status, null);
    assert.equal(failed.attributes['error.type'], 'ConnectionError');
    assert.equal(failed.exceptions.length, 1);
    assert.equal(failed.status?.code, 2);
    assert.ok(!JSON.stringify(spans).includes('secret'), 'credentials never reach a span');
  });
});
