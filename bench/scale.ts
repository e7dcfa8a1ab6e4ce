/**
 * Scale out. First the published endpoint of one instance on Postgres + Redis against one on
 * embedded SQLite, same flow, same run (target: Postgres at least 50 % of SQLite's req/s). Then two
 * instances on one Postgres + Redis behind a round-robin balancer, loaded through it while one is
 * SIGKILLed and restarted mid-run (target: zero errors). Postgres and Redis are started here from the
 * Debian packages, as the tests do. Prints JSON lines. BENCH_SECONDS (default 10) and
 * BENCH_CLUSTER_SECONDS (default 16) shorten it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { startPostgres } from '../test/helpers/services/postgres.ts';
import { startRedis } from '../test/helpers/services/redis.ts';
import { startBalancer } from './lib/round-robin.ts';
import { GREET_FLOW as FLOW } from './lib/greet-flow.ts';
import { adminClient, machine, rssMb, startChild, type Child } from './lib/weir-process.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLUSTER_SECONDS = Number(process.env.BENCH_CLUSTER_SECONDS ?? 16);
const ADMIN = 'bench-admin-token';


const print = (line: Record<string, unknown>) => console.log(JSON.stringify({ ...line, machine }));
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'weir-bench-scale-'));
  dirs.push(d);
  return d;
};
const serve = (env: Record<string, string>, port = 0) => startChild(['bin/weir.js', 'serve', '--port', String(port), '--data-dir', tempDir()], { WEIR_ADMIN_TOKEN: ADMIN, ...env });

/** Publishes and deploys the flow through `url`; returns the score URL's path and a key. */
async function deploy(url: string): Promise<string> {
  const admin = adminClient(url, ADMIN);
  await admin('POST', '/api/flows', FLOW);
  await admin('POST', '/api/flows/greet/publish', { message: 'bench' });
  await admin('POST', '/api/deployments', { name: 'greet', flow: 'greet', trace_sample_rate: 0.01 });
  return ((await admin('POST', '/api/deployments/greet/keys', {})) as { key: string }).key;
}

async function load(target: string, url: string, key: string, connections: number, duration: number, pid?: number) {
  const r = await autocannon({
    url: `${url}/deployments/greet/score`, method: 'POST', connections, duration,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ name: 'bench' }),
  });
  const line = { bench: 'scale', target, concurrency: connections, req_per_s: Math.round(r.requests.average), p50_ms: r.latency.p50, p99_ms: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts, seconds: duration, ...(pid ? { rss_mb: rssMb(pid) } : {}) };
  print(line);
  return line;
}

const pg = await startPostgres();
const redis = await startRedis();
const shared = { WEIR_DATABASE_URL: pg.url, WEIR_REDIS_URL: redis.url, WEIR_MASTER_KEY: randomBytes(32).toString('base64') };
const children: Child[] = [];
try {
  const sqlite = await serve({});
  const a = await serve(shared);
  children.push(sqlite, a);
  const sqliteKey = await deploy(sqlite.url);
  const key = await deploy(a.url);
  await load('warmup-sqlite', sqlite.url, sqliteKey, 16, 3);
  await load('warmup-postgres', a.url, key, 16, 3);
  for (const c of [1, 16]) {
    const s = await load('sqlite', sqlite.url, sqliteKey, c, SECONDS, sqlite.pid);
    const p = await load('postgres+redis', a.url, key, c, SECONDS, a.pid);
    print({ bench: 'scale', concurrency: c, postgres_vs_sqlite: +(p.req_per_s / s.req_per_s).toFixed(3), target: 0.5 });
  }
  await sqlite.stop();
  children.splice(children.indexOf(sqlite), 1);

  // Two instances behind the balancer; instance A is killed a quarter in and started again at half.
  const b = await serve(shared);
  children.push(b);
  const aPort = new URL(a.url).port;
  const balancer = await startBalancer([a.url, b.url]);
  const events: Record<string, number> = {};
  const t0 = performance.now();
  const at = (ms: number, f: () => Promise<void>) => new Promise<void>((r) => setTimeout(() => void f().then(r), ms));
  const chaos = Promise.all([
    at((CLUSTER_SECONDS * 1000) / 4, async () => {
      process.kill(a.pid, 'SIGKILL');
      children.splice(children.indexOf(a), 1);
      events.killed_at_s = +((performance.now() - t0) / 1000).toFixed(2);
    }),
    at((CLUSTER_SECONDS * 1000) / 2, async () => {
      const again = await serve(shared, Number(aPort));
      children.push(again);
      events.restarted_at_s = +((performance.now() - t0) / 1000).toFixed(2);
    }),
  ]);
  const r = await load('cluster-2-instances', balancer.url, key, 16, CLUSTER_SECONDS);
  await chaos;
  print({
    bench: 'scale', target: 'cluster-kill-restart', instances: 2, errors: r.errors, error_free: r.errors === 0, error_free_window_s: r.errors === 0 ? CLUSTER_SECONDS : null,
    req_per_s: r.req_per_s, retried_on_other_instance: balancer.retried(), unanswered: balancer.failed(), ...events,
  });
  await balancer.close();
} finally {
  for (const c of children) await c.stop().catch(() => {});
  await redis.stop();
  await pg.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
