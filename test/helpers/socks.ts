/**
 * A small SOCKS4 / 4a / 5 server on 127.0.0.1 for tests (CONNECT only), with optional
 * user/password (RFC 1929 for SOCKS5, the user id for SOCKS4). It records each request: version,
 * the destination as the client sent it (an IP resolved locally, or a name for 4a / 5h).
 */
import { once } from 'node:events';
import net from 'node:net';

export interface SocksRecord {
  version: 4 | 5;
  /** `ipv4`, `ipv6` or `domain`: how the client named the destination. */
  addressType: 'ipv4' | 'ipv6' | 'domain';
  host: string;
  port: number;
  /** SOCKS5 user name, or the SOCKS4 user id ('' when none). */
  user: string;
  /** Whether the server granted the request. */
  granted: boolean;
}

export interface TestSocksServer {
  port: number;
  records: SocksRecord[];
  /** `scheme://[user:pass@]127.0.0.1:PORT` */
  url: (scheme: 'socks4' | 'socks4a' | 'socks5' | 'socks5h') => string;
  close: () => Promise<void>;
}

export interface SocksOptions {
  /** Require these credentials (SOCKS5 user/password; SOCKS4 checks the user id only). */
  auth?: readonly [user: string, password: string];
}

/** Reads exact byte counts from a socket, whatever the chunking. */
class Reader {
  #buffer = Buffer.alloc(0);
  #wake: (() => void) | null = null;
  #ended = false;
  constructor(socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake?.();
    });
    socket.on('close', () => {
      this.#ended = true;
      this.#wake?.();
    });
  }
  async bytes(n: number): Promise<Buffer> {
    while (this.#buffer.length < n) {
      if (this.#ended) throw new Error('client went away');
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = null;
    }
    const out = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }
  async untilNul(): Promise<string> {
    let text = '';
    for (let i = 0; i < 1024; i++) {
      const b = (await this.bytes(1))[0] as number;
      if (b === 0) return text;
      text += String.fromCharCode(b);
    }
    throw new Error('SOCKS4 field too long');
  }
  /** Whatever arrived after the handshake, for the tunnel. */
  rest(): Buffer {
    return this.#buffer;
  }
}

type Destination = Omit<SocksRecord, 'granted'>;

async function socks4(reader: Reader): Promise<Destination> {
  const head = await reader.bytes(7); // CMD, port, ip (after the version byte)
  const port = head.readUInt16BE(1);
  const ip = [...head.subarray(3, 7)].join('.');
  const user = await reader.untilNul();
  if (ip.startsWith('0.0.0.') && ip !== '0.0.0.0') {
    return { version: 4, addressType: 'domain', host: await reader.untilNul(), port, user };
  }
  return { version: 4, addressType: 'ipv4', host: ip, port, user };
}

async function socks5(
  reader: Reader,
  socket: net.Socket,
  auth: SocksOptions['auth'],
): Promise<Destination | null> {
  const methods = [...(await reader.bytes((await reader.bytes(1))[0] as number))];
  const wanted = auth ? 2 : 0;
  if (!methods.includes(wanted)) {
    socket.end(Buffer.from([5, 0xff]));
    return null;
  }
  socket.write(Buffer.from([5, wanted]));
  let user = '';
  if (auth) {
    await reader.bytes(1); // sub-negotiation version
    user = (await reader.bytes((await reader.bytes(1))[0] as number)).toString();
    const pass = (await reader.bytes((await reader.bytes(1))[0] as number)).toString();
    const ok = user === auth[0] && pass === auth[1];
    socket.write(Buffer.from([1, ok ? 0 : 1]));
    if (!ok) {
      socket.end();
      return null;
    }
  }
  const [, , , atyp] = [...(await reader.bytes(4))];
  let host: string;
  let addressType: Destination['addressType'];
  if (atyp === 1) {
    host = [...(await reader.bytes(4))].join('.');
    addressType = 'ipv4';
  } else if (atyp === 4) {
    const raw = await reader.bytes(16);
    host = Array.from({ length: 8 }, (_, i) => raw.readUInt16BE(i * 2).toString(16)).join(':');
    addressType = 'ipv6';
  } else {
    host = (await reader.bytes((await reader.bytes(1))[0] as number)).toString();
    addressType = 'domain';
  }
  const port = (await reader.bytes(2)).readUInt16BE(0);
  return { version: 5, addressType, host, port, user };
}

function reply(version: 4 | 5, granted: boolean): Buffer {
  if (version === 4) return Buffer.from([0, granted ? 0x5a : 0x5b, 0, 0, 0, 0, 0, 0]);
  return Buffer.from([5, granted ? 0 : 5, 0, 1, 0, 0, 0, 0, 0, 0]);
}

async function handle(socket: net.Socket, options: SocksOptions, records: SocksRecord[]) {
  const reader = new Reader(socket);
  const version = (await reader.bytes(1))[0];
  let dest: Destination | null;
  if (version === 4) dest = await socks4(reader);
  else if (version === 5) dest = await socks5(reader, socket, options.auth);
  else dest = null;
  if (dest === null) {
    socket.destroy();
    return;
  }
  const record: SocksRecord = { ...dest, granted: false };
  records.push(record);
  if (dest.version === 4 && options.auth && dest.user !== options.auth[0]) {
    socket.end(reply(4, false));
    return;
  }
  // A name for 4a / 5h is resolved here, on the proxy side; tests only use localhost names.
  const upstream = net.connect(dest.port, dest.host);
  upstream.on('connect', () => {
    record.granted = true;
    socket.write(reply(dest.version, true));
    const early = reader.rest();
    socket.removeAllListeners('data');
    if (early.length > 0) upstream.write(early);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.on('error', () => socket.end(reply(dest.version, false)));
  socket.on('close', () => upstream.destroy());
}

/** Starts the SOCKS server; the test that starts it closes it. */
export async function startSocksServer(options: SocksOptions = {}): Promise<TestSocksServer> {
  const records: SocksRecord[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    handle(socket, options, records).catch(() => socket.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const creds = options.auth
    ? `${encodeURIComponent(options.auth[0])}:${encodeURIComponent(options.auth[1])}@`
    : '';
  return {
    port,
    records,
    url: (scheme) => `${scheme}://${creds}127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close').catch(() => {});
    },
  };
}
