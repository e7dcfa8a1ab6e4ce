/**
 * The load balancer of the cluster bench: round-robin over the instances, as nginx or HAProxy would
 * be set up in front of Weir. A request whose connection fails before any answer came back (the
 * instance is down: refused, or reset before a byte of response) goes to the next instance, like
 * nginx's `proxy_next_upstream error`; an instance that fails is skipped for a moment (passive
 * health check). Only what this bench needs: buffered bodies, no streaming.
 */
import http from 'node:http';

export interface Balancer {
  url: string;
  /** Requests that reached no instance at all (every try failed). */
  failed(): number;
  /** Requests sent again to another instance after a failed connection. */
  retried(): number;
  close(): Promise<void>;
}

const SKIP_MS = 1000;

export async function startBalancer(targets: string[]): Promise<Balancer> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const downUntil = new Map<string, number>();
  let next = 0;
  let failed = 0;
  let retried = 0;

  const pick = (tried: Set<string>): string | undefined => {
    for (let i = 0; i < targets.length; i++) {
      const t = targets[(next + i) % targets.length];
      if (tried.has(t) || (downUntil.get(t) ?? 0) > Date.now()) continue;
      next = (next + i + 1) % targets.length;
      return t;
    }
    return targets.find((t) => !tried.has(t));
  };

  const forward = (target: string, req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const u = new URL(req.url ?? '/', target);
      const out = http.request(u, { method: req.method, headers: { ...req.headers, host: u.host }, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      out.on('error', reject);
      out.end(body);
    });

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const tried = new Set<string>();
    for (let target = pick(tried); target; target = pick(tried)) {
      tried.add(target);
      try {
        const r = await forward(target, req, body);
        res.writeHead(r.status, { 'content-type': r.headers['content-type'] ?? 'application/json' });
        res.end(r.body);
        return;
      } catch {
        downUntil.set(target, Date.now() + SKIP_MS);
        if (tried.size < targets.length) retried++;
      }
    }
    failed++;
    res.writeHead(502).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    failed: () => failed,
    retried: () => retried,
    close: () =>
      new Promise((r) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
