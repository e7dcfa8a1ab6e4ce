/**
 * Published-endpoint throughput: `weir serve` as users start it, a 3-node flow published and
 * deployed, loaded with autocannon at concurrency 1 and 16; in the same run a bare hono handler
 * that parses the same JSON, as this machine's ceiling; then a soak watching the server's memory.
 * Prints JSON lines. BENCH_SECONDS (default 10) and BENCH_SOAK_SECONDS (default 60) shorten it.
 *
 * BENCH_BASELINE_DIR=<another checkout, built>: instead, this build against that one, both servers
 * up at once and loaded in turn (BENCH_ROUNDS rounds, default 5, of BENCH_SECONDS at concurrency 16
 * and 1): on a shared machine the bare handler swings more than a change moves Weir, so a change is
 * judged against the build before it, round by round.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { GREET_FLOW as FLOW } from './lib/greet-flow.ts';
import { adminClient, machine, rssMb, startChild as start } from './lib/weir-process.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SOAK = Number(process.env.BENCH_SOAK_SECONDS ?? 60);
const ADMIN = 'bench-admin-token';


async function load(target: string, url: string, headers: Record<string, string>, connections: number, duration: number, pid: number) {
  const r = await autocannon({ url, method: 'POST', connections, duration, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name: 'bench' }) });
  const line = { target, concurrency: connections, req_per_s: Math.round(r.requests.average), p50_ms: r.latency.p50, p99_ms: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts, rss_mb: rssMb(pid), seconds: duration, machine };
  console.log(JSON.stringify(line));
  return line;
}

/** A server of the build in `cwd` with the bench flow deployed; resolves with it and its score URL and key. */
async function deployed(cwd?: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-bench-'));
  const server = await start(['bin/weir.js', 'serve', '--port', '0', '--data-dir', dir], { WEIR_ADMIN_TOKEN: ADMIN }, cwd);
  const admin = adminClient(server.url, ADMIN);
  await admin('POST', '/api/flows', FLOW);
  await admin('POST', '/api/flows/greet/publish', { message: 'bench' });
  await admin('POST', '/api/deployments', { name: 'greet', flow: 'greet', trace_sample_rate: 0.01 });
  const { key } = (await admin('POST', '/api/deployments/greet/keys', {})) as { key: string };
  return { server, score: `${server.url}/deployments/greet/score`, auth: { authorization: `Bearer ${key}` }, dir };
}

if (process.env.BENCH_BASELINE_DIR) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const [now, before] = [await deployed(), await deployed(path.resolve(process.env.BENCH_BASELINE_DIR))];
  try {
    await load('warmup', now.score, now.auth, 16, 3, now.server.pid);
    await load('warmup-baseline', before.score, before.auth, 16, 3, before.server.pid);
    for (const c of [16, 1]) {
      const ratios: number[] = [];
      for (let r = 0; r < rounds; r++) {
        // Alternate who goes first, so neither always gets the machine as the other leaves it.
        const order = r % 2 ? [before, now] : [now, before];
        const got = new Map<unknown, number>();
        for (const s of order) got.set(s, (await load(s === now ? 'weir-score' : 'weir-score-baseline', s.score, s.auth, c, SECONDS, s.server.pid)).req_per_s);
        ratios.push(got.get(now)! / got.get(before)!);
      }
      const sorted = [...ratios].sort((a, b) => a - b);
      console.log(JSON.stringify({ concurrency: c, rounds, ratio_vs_baseline_median: +sorted[Math.floor(sorted.length / 2)].toFixed(3), ratios: ratios.map((x) => +x.toFixed(3)) }));
    }
  } finally {
    for (const s of [now, before]) {
      await s.server.stop();
      rmSync(s.dir, { recursive: true, force: true });
    }
  }
  process.exit(0);
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'weir-bench-'));
const weir = await start(['bin/weir.js', 'serve', '--port', '0', '--data-dir', dataDir], { WEIR_ADMIN_TOKEN: ADMIN });
const bare = await start(['dist/bench/bare-server.js']);
try {
  const admin = adminClient(weir.url, ADMIN);
  await admin('POST', '/api/flows', FLOW);
  await admin('POST', '/api/flows/greet/publish', { message: 'bench' });
  await admin('POST', '/api/deployments', { name: 'greet', flow: 'greet', trace_sample_rate: 0.01 });
  const { key } = (await admin('POST', '/api/deployments/greet/keys', {})) as { key: string };
  const score = `${weir.url}/deployments/greet/score`;
  const auth = { authorization: `Bearer ${key}` };
  await load('warmup', score, auth, 16, 3, weir.pid);
  await load('warmup-bare', `${bare.url}/score`, {}, 16, 3, bare.pid);
  for (const c of [1, 16]) {
    const bareLine = await load('bare-hono', `${bare.url}/score`, {}, c, SECONDS, bare.pid);
    const weirLine = await load('weir-score', score, auth, c, SECONDS, weir.pid);
    console.log(JSON.stringify({ ratio_vs_bare: +(weirLine.req_per_s / bareLine.req_per_s).toFixed(3), concurrency: c }));
  }
  const before = rssMb(weir.pid);
  const soak = await load('weir-score-soak', score, auth, 16, SOAK, weir.pid);
  console.log(JSON.stringify({ soak_seconds: SOAK, rss_start_mb: before, rss_end_mb: soak.rss_mb, rss_change_pct: +(((soak.rss_mb - before) / before) * 100).toFixed(1) }));
} finally {
  await weir.stop();
  await bare.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
