/**
 * Clients that put exact bytes on the wire, for what fetch will not send: a Content-Length that
 * lies, a chunked body, Expect: 100-continue. Real sockets against a real server on loopback.
 */
import http from 'node:http';
import net from 'node:net';

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: any;
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * One request through node:http. `body` parts are written one by one; without a content-length
 * header node sends them chunked. With `expectContinue` the body waits for the server's 100.
 */
export function send(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string | number>; body?: (string | Buffer)[]; expectContinue?: boolean },
): Promise<WireResponse & { continued: boolean }> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const headers = { ...(opts.headers ?? {}), ...(opts.expectContinue ? { expect: '100-continue' } : {}) };
    // A fresh connection per request: a refused body may leave the socket unusable, by design.
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path, headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        resolve({ status: res.statusCode!, headers: res.headers as Record<string, string>, text, json: parseJson(text), continued });
      });
      res.on('error', reject);
    });
    // The server may answer (413) and close before the whole body is written: not a client failure.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    const writeBody = () => {
      for (const part of opts.body ?? []) req.write(part);
      req.end();
    };
    if (opts.expectContinue) {
      req.on('continue', () => {
        continued = true;
        writeBody();
      });
      req.flushHeaders();
    } else writeBody();
  });
}

/** Parses every complete HTTP/1.1 response (Content-Length or chunked bodies) in `raw`. */
export function parseResponses(raw: string): WireResponse[] {
  const out: WireResponse[] = [];
  let rest = raw;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return out;
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const status = Number(statusLine.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const l of lines) {
      const i = l.indexOf(':');
      headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    rest = rest.slice(end + 4);
    if (status === 100) continue;
    let text = '';
    if (headers['content-length'] !== undefined) {
      const n = Number(headers['content-length']);
      if (Buffer.byteLength(rest) < n) return out;
      text = Buffer.from(rest).subarray(0, n).toString('utf8');
      rest = Buffer.from(rest).subarray(n).toString('utf8');
    } else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      for (;;) {
        const nl = rest.indexOf('\r\n');
        if (nl < 0) return out;
        const size = parseInt(rest.slice(0, nl), 16);
        if (rest.length < nl + 2 + size + 2) return out;
        text += rest.slice(nl + 2, nl + 2 + size);
        rest = rest.slice(nl + 2 + size + 2);
        if (size === 0) break;
      }
    }
    out.push({ status, headers, text, json: parseJson(text) });
  }
}

/**
 * Writes `bytes` on a raw socket and collects responses until `count` have arrived or the server
 * closes. `halfClose` ends the client's side after writing (a body cut short by the client).
 */
export function raw(port: number, bytes: string, opts: { count: number; halfClose?: boolean }): Promise<{ responses: WireResponse[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let data = '';
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ responses: parseResponses(data), closed });
    };
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      data += d;
      if (parseResponses(data).length >= opts.count) finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', (err) => (done ? undefined : reject(err)));
    socket.write(bytes, () => (opts.halfClose ? socket.end() : undefined));
  });
}
