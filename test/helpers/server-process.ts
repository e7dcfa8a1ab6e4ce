import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `weir serve` as users do (the built CLI) on a free port and a given data folder. */
export async function startServerProcess(dataDir: string, adminToken?: string): Promise<ServerProcess> {
  // Without a token the server makes one for this start and prints it, as for a newcomer.
  const { WEIR_ADMIN_TOKEN: _unset, ...env } = process.env;
  const child = spawn(process.execPath, ['bin/weir.js', 'serve', '--port', '0', '--data-dir', dataDir], {
    cwd: ROOT,
    env: adminToken === undefined ? env : { ...env, WEIR_ADMIN_TOKEN: adminToken },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
    const check = () => {
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', () => reject(new Error(`server exited: ${out}`)));
  });
  return { child, url, output: () => out, exited };
}

/** A real upstream HTTP API on loopback whose /slow answers after `ms` (query) milliseconds. */
export async function slowUpstream(): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const ms = Number(new URL(req.url!, 'http://x').searchParams.get('ms') ?? 0);
    res.setHeader('content-type', 'application/json');
    const t = setTimeout(() => res.end(JSON.stringify({ slept: ms })), ms);
    res.on('close', () => clearTimeout(t));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
