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

export interface ServerProcessOptions {
  /** Variables set (a string) or removed (undefined) on top of this process's environment. */
  env?: Record<string, string | undefined>;
  /** A fixed port, e.g. to start an instance again where its clients expect it (default: a free one). */
  port?: number;
  /** Extra `weir serve` arguments. */
  args?: string[];
  /** How long to wait for "running at" (20 s by default). */
  startTimeoutMs?: number;
  /** Output that means the start failed (the process is killed and the start rejects at once). */
  failOn?: RegExp;
}

/** Starts `weir serve` as users do (the built CLI) on a free port and a given data folder. */
export async function startServerProcess(dataDir: string, adminToken?: string, opts: ServerProcessOptions = {}): Promise<ServerProcess> {
  // Without a token the server makes one for this start and prints it, as for a newcomer.
  const { WEIR_ADMIN_TOKEN: _unset, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = adminToken === undefined ? inherited : { ...inherited, WEIR_ADMIN_TOKEN: adminToken };
  return spawnWeir(['serve', '--port', String(opts.port ?? 0), '--data-dir', dataDir, ...(opts.args ?? [])], env, /running at (http:\/\/\S+)/, opts);
}

/** Starts `weir worker` (background jobs only) on a data folder; `url` is empty. */
export async function startWorkerProcess(dataDir: string, opts: Pick<ServerProcessOptions, 'env' | 'args' | 'startTimeoutMs'> = {}): Promise<ServerProcess> {
  return spawnWeir(['worker', '--data-dir', dataDir, ...(opts.args ?? [])], { ...process.env }, /Weir worker taking background jobs()/, opts);
}

/** Runs the built CLI with `args`; resolves once its output matches `ready` (group 1: the URL, if any). */
async function spawnWeir(args: string[], env: NodeJS.ProcessEnv, ready: RegExp, opts: Omit<ServerProcessOptions, 'port' | 'args'>): Promise<ServerProcess> {
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const child = spawn(process.execPath, ['bin/weir.js', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => {
      // Not left running: nobody would stop a server the caller never got.
      child.kill('SIGKILL');
      reject(new Error(`server did not start: ${out}`));
    }, opts.startTimeoutMs ?? 20_000);
    const check = () => {
      const m = ready.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      } else if (opts.failOn?.test(out)) {
        clearTimeout(t);
        child.kill('SIGKILL');
        reject(new Error(`server did not start: ${out}`));
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', () => {
      clearTimeout(t);
      reject(new Error(`server exited: ${out}`));
    });
  });
  return { child, url, output: () => out, exited };
}

/** A flow `fetch` that calls slowUpstream's /slow for `ms` milliseconds (through a connection named `upstream`). */
export const SLOW_FLOW = `weir: 1
name: fetch
inputs: { ms: { type: integer, default: 0 } }
outputs:
  slept: \${call.output.body.slept}
nodes:
  - name: call
    type: http
    inputs: { ms: \${inputs.ms} }
    config: { url: "/slow?ms={{ ms }}", connection: upstream }
`;

/**
 * A real upstream HTTP API on loopback whose /slow answers after `ms` (query) milliseconds. While
 * held (`hold()` until `release()`), it answers nothing: a test that must catch calls in flight
 * does not depend on how fast a loaded machine gets there.
 */
export async function slowUpstream(): Promise<{ url: string; server: Server; hold: () => void; release: () => void; close: () => Promise<void> }> {
  let held: (() => void)[] | undefined;
  const server = createServer((req, res) => {
    const ms = Number(new URL(req.url!, 'http://x').searchParams.get('ms') ?? 0);
    res.setHeader('content-type', 'application/json');
    let t: NodeJS.Timeout | undefined;
    const answer = () => void (t = setTimeout(() => res.end(JSON.stringify({ slept: ms })), ms));
    res.on('close', () => clearTimeout(t));
    if (held) held.push(answer);
    else answer();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    hold: () => void (held ??= []),
    release: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const answer of waiting) answer();
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
