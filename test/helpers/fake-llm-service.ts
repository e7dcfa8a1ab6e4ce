/**
 * A loopback stand-in for the outside services a connection names (OpenAI, Azure OpenAI, Ollama, a
 * plain HTTP API): the edge where the real service cannot exist offline. It answers only the
 * listing calls a connection test makes, and checks the key the way each service does.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeService {
  url: string;
  /** Every request seen: method, path with query, and the headers that carry credentials. */
  seen: { method: string; path: string; authorization?: string; apiKey?: string }[];
  close(): Promise<void>;
}

export async function startFakeService(key: string): Promise<FakeService> {
  const seen: FakeService['seen'] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const authorization = req.headers.authorization;
    const apiKey = req.headers['api-key'] as string | undefined;
    seen.push({ method: req.method ?? '', path: url.pathname + url.search, authorization, apiKey });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/v1/models') {
      if (authorization !== `Bearer ${key}`) return send(401, { error: { message: `Incorrect API key provided: ${authorization?.slice(7, 12)}…` } });
      return send(200, { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model' }] });
    }
    if (url.pathname === '/openai/models') {
      if (!url.searchParams.get('api-version')) return send(404, { error: { code: '404', message: 'Resource not found' } });
      if (apiKey !== key) return send(401, { error: { code: '401', message: 'Access denied due to invalid subscription key' } });
      return send(200, { data: [{ id: 'gpt-4o' }] });
    }
    if (url.pathname === '/api/tags') return send(200, { models: [{ name: 'llama3.2:1b' }] });
    if (url.pathname === '/status') return send(200, { ok: true });
    send(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url, seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port nothing listens on: bound, noted, and closed again. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
