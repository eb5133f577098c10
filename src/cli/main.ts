#!/usr/bin/env node
/**
 * requests-ts on the command line:
 *   requests-ts [METHOD] URL [-H 'Name: value']... [-d DATA | --json JSON] [-t MS] [-i] [--timings]
 */
import { parseArgs } from 'node:util';
import { type RequestOptions, Session, TimeoutConfig } from '../index.js';

const USAGE = `usage: requests-ts [METHOD] URL [options]
  -H, --header 'Name: value'   add a header (repeatable)
  -d, --data DATA              send DATA as the body
      --json JSON              send JSON (sets Content-Type)
  -t, --timeout MS             connect and read timeout in milliseconds
  -i, --include                print the status line and headers
  -k, --insecure               do not verify TLS certificates
      --timings                print how long the request took
  -h, --help                   this text`;

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** Parses `argv`, sends the request, prints the response. Returns the process exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    io.err(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed === null) {
    io.out(USAGE);
    return 0;
  }
  const { method, url, options, include, timings } = parsed;
  const session = new Session();
  try {
    const r = await session.request(method, url, options);
    if (include) {
      io.out(`HTTP ${r.statusCode} ${r.reason}`);
      for (const [k, v] of r.headers) io.out(`${k}: ${v}`);
      io.out('');
    }
    io.out(r.text);
    if (timings) io.err(`elapsed: ${r.elapsed.toFixed(1)} ms`);
    return r.ok ? 0 : 1;
  } catch (err) {
    // requests' exceptions and bad input alike: one line, no stack.
    const e = err instanceof Error ? err : new Error(String(err));
    io.err(`${e.name}: ${e.message}`);
    return 1;
  } finally {
    await session.close();
  }
}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      header: { type: 'string', short: 'H', multiple: true },
      data: { type: 'string', short: 'd' },
      json: { type: 'string' },
      timeout: { type: 'string', short: 't' },
      include: { type: 'boolean', short: 'i' },
      insecure: { type: 'boolean', short: 'k' },
      timings: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return null;
  if (positionals.length === 0 || positionals.length > 2)
    throw new Error('give a URL, optionally after a method');
  const [method, url] =
    positionals.length === 2
      ? [positionals[0]!.toUpperCase(), positionals[1]!]
      : [values.data || values.json ? 'POST' : 'GET', positionals[0]!];
  const options: RequestOptions = {};
  const headers: Record<string, string> = {};
  for (const h of values.header ?? []) {
    const colon = h.indexOf(':');
    if (colon < 1) throw new Error(`header "${h}" must look like 'Name: value'`);
    headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
  }
  options.headers = headers;
  if (values.data !== undefined) options.data = values.data;
  if (values.json !== undefined) options.json = JSON.parse(values.json);
  if (values.timeout !== undefined) {
    // Checked here, so that a bad value is a usage error naming the accepted forms.
    options.timeout = TimeoutConfig.from(Number(values.timeout));
  }
  if (values.insecure) options.verify = false;
  return {
    method,
    url,
    options,
    include: values.include === true,
    timings: values.timings === true,
  };
}

const invokedDirectly =
  process.argv[1] !== undefined && /cli[\\/]main\.(js|ts)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2), { out: (s) => console.log(s), err: (s) => console.error(s) }).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
