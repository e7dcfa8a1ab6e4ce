import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { findOnPath } from './binaries.ts';
import { freePort } from './free-port.ts';
import type { RunningService } from './running-service.ts';
import { spawnTied, type TiedProcess } from './tied-process.ts';

export type { RunningService } from './running-service.ts';

const READY_TIMEOUT_MS = 20_000;
const PORT_ATTEMPTS = 3;

export interface RedisOptions {
  /** A fixed port, e.g. to bring a stopped server back where its clients expect it. */
  port?: number;
  /** Extra redis-server arguments. */
  args?: string[];
}

/** A throwaway redis-server on a free 127.0.0.1 port that keeps nothing on disk. */
export async function startRedis(opts: RedisOptions = {}): Promise<RunningService> {
  const bin = findOnPath('redis-server');
  if (!bin) throw new Error('redis-server is not installed: apt-get install redis-server');
  for (let attempt = 1; ; attempt++) {
    const started = await startServer(bin, opts.port ?? (await freePort()), opts.args ?? []);
    // Another process may take a free port before redis binds it; a port the caller chose is theirs to fix.
    if (started !== 'port taken') return started;
    if (opts.port !== undefined) throw new Error(`redis-server: port ${opts.port} is in use`);
    if (attempt === PORT_ATTEMPTS) throw new Error(`redis-server found no free port in ${PORT_ATTEMPTS} attempts`);
  }
}

async function startServer(bin: string, port: number, args: string[]): Promise<RunningService | 'port taken'> {
  // Its working folder, so nothing it might write lands in the caller's; the watchdog deletes it.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'weir-redis-'));
  const server = spawnTied(
    bin,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...args],
    { stopSignal: 'TERM', cwd: dir, env: { PATH: process.env.PATH }, removeAfter: dir },
  );
  const state = await waitForPong(port, server);
  if (state !== 'ready') {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
    if (state === 'exited' && /address already in use/i.test(server.output())) return 'port taken';
    throw new Error(`redis-server did not start (${state}):\n${server.output()}`);
  }
  let stopping: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      (stopping ??= (async () => {
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      })()),
  };
}

async function waitForPong(port: number, server: TiedProcess): Promise<'ready' | 'exited' | 'timed out'> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.hasExited()) return 'exited';
    if (await ping(port)) return server.hasExited() ? 'exited' : 'ready';
    await new Promise((r) => setTimeout(r, 25));
  }
  return 'timed out';
}

/** One raw PING, so readiness does not depend on a client library's reconnect behaviour. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}
