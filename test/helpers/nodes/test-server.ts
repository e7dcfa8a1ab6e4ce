import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP server on a loopback address (127.0.0.1 unless told), port chosen by the OS, for tests that must cross a socket. */
export interface TestServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  url: string;
  port: number;
  /** Every request seen, with its body, in arrival order. */
  requests: { method: string; path: string; headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export async function startServer(handler: Handler, host = '127.0.0.1'): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        // Pooled keep-alive sockets from the node's shared agent would otherwise hold close() open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** How much an endless answer sent, and whether its client hung up. */
export interface Pumped {
  sent: number;
  closed: boolean;
}

/**
 * An answer that never ends by itself: writes until the client stops reading (write() returns
 * false), then again on each drain, and stops only at 256 MiB, far past anything a capped reader
 * may take. `pumped` counts it, so a test can see that the reader hung up early.
 */
export function pumpForever(res: ServerResponse, pumped: Pumped, contentType = 'application/octet-stream'): void {
  res.writeHead(200, { 'content-type': contentType });
  const chunk = Buffer.alloc(64 * 1024, 120);
  const pump = () => {
    while (!res.destroyed && pumped.sent < 256 * 1024 ** 2) {
      pumped.sent += chunk.length;
      if (!res.write(chunk)) return;
    }
    res.end();
  };
  res.on('drain', pump);
  res.on('close', () => (pumped.closed = true));
  pump();
}
