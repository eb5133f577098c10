/**
 * squid and tinyproxy for the interop tier, each from a config in a temp dir, on a free port of
 * 127.0.0.1, requiring basic proxy auth with a password that holds '@' and ':'.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startDaemon, tempDir } from './daemons.js';

export const PROXY_USER = 'proxyuser';
/** squid's password; tinyproxy's config grammar takes no '@' or ':' in one, so it gets the other. */
export const PROXY_PASSWORD = 'p@ss:w0rd';
export const TINYPROXY_PASSWORD = 'p.ss-w0rd_x';

export interface RealProxy {
  name: 'squid' | 'tinyproxy';
  password: string;
  port: number;
  /** `http://user:pass@127.0.0.1:port` with the password percent-encoded. */
  url: string;
  /** `http://127.0.0.1:port`, no credentials. */
  bare: string;
  /** The proxy's own log so far. */
  log: () => string;
  stop: () => Promise<void>;
}

function urls(port: number, password: string) {
  const creds = `${PROXY_USER}:${encodeURIComponent(password)}`;
  return { url: `http://${creds}@127.0.0.1:${port}`, bare: `http://127.0.0.1:${port}` };
}

const read = (file: string) => () => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

export async function startSquid(): Promise<RealProxy> {
  const dir = tempDir('squid');
  chmodSync(dir, 0o777); // squid drops root for its effective user
  const hash = execFileSync('openssl', ['passwd', '-1', PROXY_PASSWORD], {
    encoding: 'utf8',
  }).trim();
  writeFileSync(join(dir, 'passwd'), `${PROXY_USER}:${hash}\n`, { mode: 0o644 });
  const port = await freePort();
  const conf = join(dir, 'squid.conf');
  writeFileSync(
    conf,
    `http_port 127.0.0.1:${port}
pid_filename ${dir}/squid.pid
cache_log ${dir}/cache.log
access_log stdio:${dir}/access.log
coredump_dir ${dir}
cache deny all
netdb_filename none
pinger_enable off
shutdown_lifetime 0 seconds
auth_param basic program /usr/lib/squid/basic_ncsa_auth ${dir}/passwd
auth_param basic realm requests-ts
acl authed proxy_auth REQUIRED
http_access allow authed
http_access deny all
`,
    { mode: 0o644 },
  );
  const daemon = await startDaemon('squid', ['-N', '-f', conf], port);
  return {
    name: 'squid',
    password: PROXY_PASSWORD,
    port,
    ...urls(port, PROXY_PASSWORD),
    log: read(join(dir, 'access.log')),
    stop: daemon.stop,
  };
}

export async function startTinyproxy(): Promise<RealProxy> {
  const dir = tempDir('tinyproxy');
  chmodSync(dir, 0o777);
  const port = await freePort();
  const conf = join(dir, 'tinyproxy.conf');
  const logFile = join(dir, 'tinyproxy.log');
  writeFileSync(
    conf,
    `Port ${port}
Listen 127.0.0.1
Timeout 60
MaxClients 100
LogFile "${logFile}"
LogLevel Info
PidFile "${dir}/tinyproxy.pid"
BasicAuth ${PROXY_USER} ${TINYPROXY_PASSWORD}
Allow 127.0.0.1
DisableViaHeader Yes
`,
  );
  const daemon = await startDaemon('tinyproxy', ['-d', '-c', conf], port);
  return {
    name: 'tinyproxy',
    password: TINYPROXY_PASSWORD,
    port,
    ...urls(port, TINYPROXY_PASSWORD),
    log: read(logFile),
    stop: daemon.stop,
  };
}
