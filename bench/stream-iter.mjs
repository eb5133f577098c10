// The cost of our body iteration alone: Response.iterContent over a fixed chunk sequence in this
// process (no socket, no parser), so it does not depend on how reads fall. A 16 MiB body as 256
// chunks of 64 KiB, the first one 300 B short (as after a response head), read in pieces of each
// size; and a 1 MiB body already read, in small pieces. CPU per body, median of 5 runs.
//
//   node bench/stream-iter.mjs [/abs/path/to/esm ...]     (default: ../dist/esm)
import { fileURLToPath } from 'node:url';

const MiB = 1024 * 1024;
const CHUNKS = [Buffer.alloc(64 * 1024 - 300, 1)];
for (let i = 0; i < 255; i++) CHUNKS.push(Buffer.alloc(64 * 1024, 2));
CHUNKS.push(Buffer.alloc(300, 3));
const LOADED = Buffer.alloc(MiB, 4);

/** A raw response whose body is CHUNKS, each resolved at once. */
function rawOf() {
  let i = 0;
  const body = {
    next: () =>
      Promise.resolve(
        i < CHUNKS.length ? { value: CHUNKS[i++], done: false } : { value: undefined, done: true },
      ),
    return: () => Promise.resolve({ value: undefined, done: true }),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return { data: null, headers: {}, closed: false, stream: () => body, close() {} };
}

async function readAll(Response, chunkSize, loaded) {
  const r = new Response();
  if (loaded) r.content = LOADED;
  else r.raw = rawOf();
  let n = 0;
  for await (const piece of r.iterContent({ chunkSize })) n += piece.length;
  if (n !== (loaded ? MiB : 16 * MiB)) throw new Error(`read ${n} bytes`);
}

async function msPerBody(Response, chunkSize, loaded, count) {
  for (let i = 0; i < Math.max(2, count >> 1); i++) await readAll(Response, chunkSize, loaded);
  const runs = [];
  for (let k = 0; k < 5; k++) {
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < count; i++) await readAll(Response, chunkSize, loaded);
    const cpu = process.cpuUsage(cpu0);
    runs.push((cpu.user + cpu.system) / count / 1000);
  }
  return runs.sort((a, b) => a - b)[2];
}

const CASES = [
  ['16 MiB off the wire, as they arrive', null, false, 40],
  ['16 MiB off the wire, 1 KiB pieces', 1024, false, 4],
  ['16 MiB off the wire, 16 KiB pieces', 16 * 1024, false, 10],
  ['16 MiB off the wire, 64 KiB pieces', 64 * 1024, false, 10],
  ['16 MiB off the wire, 1 MiB pieces', MiB, false, 10],
  ['1 MiB read, 128 B pieces', 128, true, 10],
  ['1 MiB read, 1 B pieces', 1, true, 1],
];

const builds = process.argv.slice(2);
if (builds.length === 0) builds.push(fileURLToPath(new URL('../dist/esm', import.meta.url)));
const modules = await Promise.all(builds.map((b) => import(`${b}/models/response.js`)));
console.log(`| case | ${builds.join(' | ')} |`);
console.log(`|---|${builds.map(() => '--:').join('|')}|`);
for (const [label, chunkSize, loaded, count] of CASES) {
  const cells = [];
  for (const { Response } of modules) {
    cells.push(`${(await msPerBody(Response, chunkSize, loaded, count)).toFixed(2)} ms`);
  }
  console.log(`| ${label} | ${cells.join(' | ')} |`);
}
