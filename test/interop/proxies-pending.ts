/** The proxies and nginx shared by the pending proxy files (started once per file). */
import { after, before } from 'node:test';
import { type Nginx, startNginx } from './nginx-server.js';
import { type RealProxy, startSquid, startTinyproxy } from './proxy-servers.js';

export const world: { nginx?: Nginx; proxies: RealProxy[] } = { proxies: [] };

/** Registers before/after hooks that start nginx, squid and tinyproxy. */
export function withProxies(): void {
  before(async () => {
    world.nginx = await startNginx();
    world.proxies = [await startSquid(), await startTinyproxy()];
  });
  after(async () => {
    await Promise.all(world.proxies.map((p) => p.stop()));
    await world.nginx?.stop();
  });
}
