/**
 * What a person at a terminal sees: the bin runs in a tmux pane (a real pty) against a local
 * server; the screen and the raw bytes the pane received are checked. tmux comes from Debian's
 * packages; without it the test says so in one line, and fails under CI=true.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from '../helpers/server.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'rts-tmux-'));
const BIN = join(dir, 'requests-ts');
const SOCKET = `rts-cli-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
}

/** Types `line` in the pane and waits (bounded) until the marker it echoes after is on screen. */
async function type(line: string, marker: string): Promise<string> {
  tmux('send-keys', '-t', 't', `${line}; echo ${marker}-ok$((6*7))`, 'Enter');
  // Bounded by time, not tries: starting the bin under c8 on a loaded machine can take seconds.
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    const screen = tmux('capture-pane', '-p', '-e', '-J', '-t', 't', '-S', '-100');
    if (screen.includes(`${marker}-ok42`)) return screen;
    await sleep(50);
  }
  throw new Error(`"${line}" did not finish in the pane`);
}

test('in a terminal: colours, the binary note, a progress bar redrawn up to 100 %, nothing escaped when piped', async (t) => {
  if (!hasTmux) {
    assert.notEqual(process.env.CI, 'true', 'tmux is missing: add it to scripts/interop-setup.sh');
    t.skip('tmux not installed: the terminal test did not run');
    return;
  }
  symlinkSync(resolve('dist/esm/cli/bin.js'), BIN);
  const server = await startServer(async (req, res) => {
    if (req.url === '/bin') return void res.end(Buffer.from([0, 1, 2, 255]));
    if (req.url === '/slow') {
      res.writeHead(200, { 'Content-Length': 20 * 8192 });
      for (let i = 0; i < 20; i++) {
        res.write(Buffer.alloc(8192, 65));
        await sleep(40);
      }
      return void res.end();
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"name":"pie","n":3}');
  });
  const raw = join(dir, 'pane.raw');
  tmux('new-session', '-d', '-s', 't', '-x', '160', '-y', '50', '-c', dir, 'sh');
  try {
    tmux('pipe-pane', '-t', 't', '-o', `cat >> '${raw}'`);
    const json = await type(`'${BIN}' ${server.url}/j`, 'json');
    // tmux redraws with its own codes: a colour ends in 39 (default) rather than 0 (reset).
    assert.match(json, /\x1b\[34mHTTP\/1\.1\x1b\[(0|39)m \x1b\[32m200 OK/);
    assert.match(json, /\x1b\[34m"name"\x1b\[(0|39)m: \x1b\[32m"pie"\x1b\[(0|39)m/);
    const bin = await type(`'${BIN}' -b ${server.url}/bin`, 'bin');
    assert.match(bin, /NOTE: binary data not shown in terminal/);
    const piped = await type(`'${BIN}' ${server.url}/j | od -c | grep -c 033`, 'piped');
    assert.match(piped, /\n0\n/);
    await type(`'${BIN}' -d -o slow.bin ${server.url}/slow`, 'dl');
    // pipe-pane's cat writes the last bytes a moment later: wait (bounded) for the final line.
    const finalLine = /100 % +\[#{20}\] +163\.8 kB \/ 163\.8 kB/;
    let bytes = '';
    for (const until = Date.now() + 5_000; Date.now() < until; await sleep(50)) {
      bytes = readFileSync(raw, 'latin1');
      if (finalLine.test(bytes)) break;
    }
    const redraws = bytes.match(/\r\s*\d+ % +\[[# ]{20}\]/g) ?? [];
    assert.ok(redraws.length >= 3, `the bar was drawn ${redraws.length} times`);
    const percents = redraws.map((r) => Number(/(\d+) %/.exec(r)![1]));
    assert.deepEqual(
      [...percents].sort((a, b) => a - b),
      percents,
      'percentages only grow',
    );
    assert.equal(percents.at(-1), 100);
    assert.match(bytes, finalLine);
    assert.equal(readFileSync(join(dir, 'slow.bin')).length, 20 * 8192);
  } finally {
    tmux('kill-server');
    await server.close();
  }
});
