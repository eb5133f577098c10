/**
 * dante (danted) in a private mount namespace (unshare -m): its own /etc/hosts (a name only the
 * proxy resolves) and its own /etc/passwd + /etc/shadow (a SOCKS user), so the machine's users and
 * names are never changed. Two ports: no auth, and username/password.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Daemon, freePort, startDaemon, tempDir } from './daemons.js';

export const SOCKS_USER = 'socksuser';
export const SOCKS_PASSWORD = 's3cret:@x';
/** Resolves to 127.0.0.1 only inside dante's namespace. */
export const PROXY_ONLY_NAME = 'only-the-proxy.invalid';

export interface Dante {
  open: number;
  authed: number;
  stop: () => Promise<void>;
}

function conf(dir: string, port: number, method: string): string {
  const file = join(dir, `danted-${port}.conf`);
  writeFileSync(
    file,
    `logoutput: ${dir}/danted-${port}.log
internal: 127.0.0.1 port = ${port}
external: 127.0.0.1
socksmethod: ${method}
user.privileged: root
user.unprivileged: nobody
client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
`,
  );
  return file;
}

export async function startDante(): Promise<Dante> {
  const dir = tempDir('dante');
  const hash = execFileSync('openssl', ['passwd', '-6', SOCKS_PASSWORD], {
    encoding: 'utf8',
  }).trim();
  writeFileSync(
    join(dir, 'hosts'),
    `${readFileSync('/etc/hosts', 'utf8')}\n127.0.0.1 ${PROXY_ONLY_NAME}\n`,
  );
  writeFileSync(
    join(dir, 'passwd'),
    `${readFileSync('/etc/passwd', 'utf8')}${SOCKS_USER}:x:40123:40123::/:/bin/false\n`,
  );
  writeFileSync(join(dir, 'shadow'), `${SOCKS_USER}:${hash}:19000:0:99999:7:::\n`, { mode: 0o600 });
  const start = async (port: number, method: string): Promise<Daemon> => {
    const script = [
      `mount --bind ${dir}/hosts /etc/hosts`,
      `mount --bind ${dir}/passwd /etc/passwd`,
      `mount --bind ${dir}/shadow /etc/shadow`,
      `exec danted -f ${conf(dir, port, method)}`,
    ].join(' && ');
    return startDaemon('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], port);
  };
  const open = await freePort();
  const authed = await freePort();
  const daemons = [await start(open, 'none'), await start(authed, 'username')];
  return { open, authed, stop: async () => void (await Promise.all(daemons.map((d) => d.stop()))) };
}
