import { execFile, execFileSync } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { findPgBin } from './binaries.ts';
import { freePort } from './free-port.ts';
import type { RunningService } from './running-service.ts';
import { spawnTied, type TiedProcess } from './tied-process.ts';

export type { RunningService } from './running-service.ts';

const READY_TIMEOUT_MS = 30_000;
const PORT_ATTEMPTS = 3;

/**
 * A throwaway Postgres for tests: a fresh cluster in a temp folder on a free 127.0.0.1 port, with
 * durability off (tests only — a crash loses data, which a test never needs). Resolves with
 * `postgres://weir@127.0.0.1:PORT/weir`; stop() shuts it down and removes the folder.
 */
export async function startPostgres(): Promise<RunningService> {
  const bin = findPgBin();
  if (!bin) throw new Error('Postgres is not installed: apt-get install postgresql (or set PG_BIN to the folder holding initdb)');
  const user = postgresUser();
  for (let attempt = 1; ; attempt++) {
    const started = await startCluster(bin, user);
    // Another process may take the port between freePort() and postgres binding it.
    if (started !== 'port taken') return started;
    if (attempt === PORT_ATTEMPTS) throw new Error(`Postgres found no free port in ${PORT_ATTEMPTS} attempts`);
  }
}

async function startCluster(bin: string, user: { uid: number; gid: number } | undefined): Promise<RunningService | 'port taken'> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'weir-pg-'));
  let server: TiedProcess | undefined;
  try {
    if (user) await chown(dir, user.uid, user.gid);
    // A minimal environment: the caller's PGDATA/PGPORT or locale must not leak into the test server.
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
    const data = path.join(dir, 'data');
    // C.UTF-8 whatever the machine's LANG: code-point ordering like SQLite's, Unicode-aware
    // lower() and text search parsing.
    await runOnce(
      path.join(bin, 'initdb'),
      ['-D', data, '-A', 'trust', '-U', 'weir', '--encoding', 'UTF8', '--locale', 'C.UTF-8', '--no-sync', '--no-instructions'],
      { cwd: dir, env, ...user },
    );
    const port = await freePort();
    server = spawnTied(
      path.join(bin, 'postgres'),
      [
        '-D', data, '-p', String(port), '-k', dir,
        '-c', 'listen_addresses=127.0.0.1',
        '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'synchronous_commit=off',
      ],
      // The watchdog deletes the folder once postgres is gone, even if this process was killed.
      { stopSignal: 'INT', cwd: dir, env, removeAfter: dir, ...user },
    );
    const state = await waitUntilReady(port, server);
    if (state !== 'ready') {
      await server.stop();
      if (state === 'exited' && /could not bind|address already in use/i.test(server.output())) return 'port taken';
      throw new Error(`Postgres did not start (${state}):\n${server.output()}`);
    }
    const url = await createDatabase(`postgres://weir@127.0.0.1:${port}/postgres`, 'weir');
    const running = server;
    let stopping: Promise<void> | undefined;
    return {
      url,
      stop: () =>
        (stopping ??= (async () => {
          await running.stop();
          await rm(dir, { recursive: true, force: true });
        })()),
    };
  } catch (err) {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Creates a fresh empty database on the server of `url` and returns the URL that points at it. */
export async function createDatabase(url: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const next = new URL(url);
  next.pathname = `/${encodeURIComponent(name)}`;
  return next.toString();
}

/**
 * Postgres refuses to run as root, and tests and CI run as root here: then initdb and postgres run
 * as the `postgres` system user the Debian package creates. Anyone else runs them directly.
 */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  let entry: string;
  try {
    entry = execFileSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' });
  } catch {
    throw new Error("Postgres will not run as root and there is no 'postgres' user to run it as (apt-get install postgresql creates one)");
  }
  const [, , uid, gid] = entry.trim().split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function runOnce(command: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; uid?: number; gid?: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, opts, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(command)} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

async function waitUntilReady(port: number, server: TiedProcess): Promise<'ready' | 'exited' | 'timed out'> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.hasExited()) return 'exited';
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'weir', database: 'postgres', connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('select 1');
      return 'ready';
    } catch {
      // not listening yet, or "the database system is starting up"
    } finally {
      await client.end().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return 'timed out';
}
