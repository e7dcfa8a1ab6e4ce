/**
 * A server that cannot start (its port is taken) on Postgres + Redis lets go of both: otherwise
 * their open connections keep `weir serve` running after it printed the error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { NodeRegistry } from '../engine/registry.ts';
import { startServer } from '../engine/server.ts';
import { builtinNodes } from '../nodes/index.ts';
import { startPostgres } from './helpers/services/postgres.ts';
import { startRedis } from './helpers/services/redis.ts';
import type { RunningService } from './helpers/services/running-service.ts';

let postgres: RunningService;
let redis: RunningService;
beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
}, 120_000);
afterAll(async () => {
  await redis?.stop();
  await postgres?.stop();
}, 60_000);

it('closes its database and Redis connections when the port is taken', async () => {
  const taken = net.createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
  const port = (taken.address() as net.AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'weir-start-'));
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  const watcher = new Redis(redis.url);
  try {
    const others = async () =>
      (await admin.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()')).rows[0].n;
    const redisClients = async () => String(await watcher.call('CLIENT', 'LIST')).trim().split('\n').length;
    await expect(
      startServer({ registry: new NodeRegistry(builtinNodes), port, dataDir: dir, databaseUrl: postgres.url, redisUrl: redis.url, masterKey: Buffer.alloc(32, 3).toString('base64'), examplesDir: null }),
    ).rejects.toThrow(/EADDRINUSE|in use/);
    // Only the watchers remain: the server's pool and both of its Redis connections are gone.
    await vi.waitFor(async () => expect(await others()).toBe(0), { timeout: 5000, interval: 50 });
    await vi.waitFor(async () => expect(await redisClients()).toBe(1), { timeout: 5000, interval: 50 });
  } finally {
    watcher.disconnect();
    await admin.end();
    await new Promise((r) => taken.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
