/**
 * A node:http server on 127.0.0.1 that parses multipart uploads with busboy as they stream in
 * (nothing is buffered but small files), for the upload tests.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';

export interface ReceivedField {
  name: string;
  value: string;
}

export interface ReceivedFile {
  name: string;
  filename: string | undefined;
  mimeType: string;
  size: number;
  sha256: string;
  /** The bytes, for files up to 1 MB. */
  data: Buffer | null;
}

export interface ReceivedUpload {
  headers: http.IncomingHttpHeaders;
  fields: ReceivedField[];
  files: ReceivedFile[];
  /** Raw body bytes for non-multipart requests (small ones only). */
  body: Buffer | null;
  bodySize: number;
}

export interface UploadServer {
  url: string;
  uploads: ReceivedUpload[];
  close(): Promise<void>;
}

const SMALL = 1024 * 1024;

function receiveFile(name: string, stream: NodeJS.ReadableStream, info: busboy.FileInfo) {
  return new Promise<ReceivedFile>((resolve, reject) => {
    const hash = createHash('sha256');
    const small: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
      if (size <= SMALL) small.push(chunk);
    });
    stream.on('error', reject);
    stream.on('end', () =>
      resolve({
        name,
        filename: info.filename,
        mimeType: info.mimeType,
        size,
        sha256: hash.digest('hex'),
        data: size <= SMALL ? Buffer.concat(small) : null,
      }),
    );
  });
}

async function receive(req: http.IncomingMessage): Promise<ReceivedUpload> {
  const upload: ReceivedUpload = {
    headers: req.headers,
    fields: [],
    files: [],
    body: null,
    bodySize: 0,
  };
  if (!req.headers['content-type']?.startsWith('multipart/form-data')) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      upload.bodySize += (chunk as Buffer).length;
      if (upload.bodySize <= SMALL) chunks.push(chunk as Buffer);
    }
    upload.body = upload.bodySize <= SMALL ? Buffer.concat(chunks) : null;
    return upload;
  }
  const bb = busboy({ headers: req.headers, defParamCharset: 'utf8' });
  const files: Promise<ReceivedFile>[] = [];
  bb.on('field', (name, value) => upload.fields.push({ name, value }));
  bb.on('file', (name, stream, info) => files.push(receiveFile(name, stream, info)));
  const done = once(bb, 'close');
  req.pipe(bb);
  await done;
  upload.files = await Promise.all(files);
  return upload;
}

/** Starts the server; `close` ends it and its connections. */
export async function startUploadServer(): Promise<UploadServer> {
  const uploads: ReceivedUpload[] = [];
  const server = http.createServer(async (req, res) => {
    try {
      uploads.push(await receive(req));
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    } catch (err) {
      res.writeHead(400).end(String(err));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    uploads,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => {});
    },
  };
}
