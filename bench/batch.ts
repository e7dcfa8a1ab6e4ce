/**
 * Batch runs: 1 000 lines through the example flow (flows/hello.flow.yaml) as one batch run
 * (POST /api/batch-runs, run by the server's queue worker, lines saved to the store as they finish)
 * against the same lines as separate POST /deployments/hello/score calls, at the same concurrency,
 * same server, same run. Prints JSON lines. BENCH_LINES (default 1000), BENCH_ROUNDS (default 3).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adminClient, machine, ROOT, rssMb, startChild as start } from './lib/weir-process.ts';

const LINES = Number(process.env.BENCH_LINES ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ADMIN = 'bench-admin-token';
const data = Array.from({ length: LINES }, (_, i) => ({ name: `user ${i}`, excited: i % 2 === 0 }));

const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-bench-batch-'));
const server = await start(['bin/weir.js', 'serve', '--port', '0', '--data-dir', dir], { WEIR_ADMIN_TOKEN: ADMIN });
try {
  const admin = adminClient(server.url, ADMIN);
  await admin('PUT', '/api/flows/hello', readFileSync(path.join(ROOT, 'flows/hello.flow.yaml'), 'utf8'));
  await admin('POST', '/api/flows/hello/publish', { message: 'bench' });
  await admin('POST', '/api/deployments', { name: 'hello', flow: 'hello', trace_sample_rate: 0.01 });
  const { key } = (await admin('POST', '/api/deployments/hello/keys', {})) as { key: string };

  /** One batch run, from the POST to its stored end (polled every 20 ms). */
  async function batch(concurrency: number) {
    const t0 = performance.now();
    const { id } = await admin('POST', '/api/batch-runs', { flow: 'hello', data, concurrency });
    let run: any;
    do {
      await new Promise((r) => setTimeout(r, 20));
      run = await admin('GET', `/api/batch-runs/${id}`);
    } while (run.status === 'queued' || run.status === 'running');
    const s = (performance.now() - t0) / 1000;
    if (run.summary.succeeded !== LINES) throw new Error(`batch ${id}: ${JSON.stringify(run.summary)}`);
    return { seconds: s, server_ms: run.summary.duration_ms };
  }

  /** The same lines as separate score calls, `concurrency` in flight at once. */
  async function calls(concurrency: number) {
    const t0 = performance.now();
    let next = 0;
    let errors = 0;
    const worker = async () => {
      while (next < data.length) {
        const line = data[next++];
        const res = await fetch(`${server.url}/deployments/hello/score`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(line) });
        if (res.status !== 200) errors++;
        await res.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { seconds: (performance.now() - t0) / 1000, errors };
  }

  await batch(16);
  await calls(16); // warm both paths
  for (const concurrency of [16, 4]) {
    for (let round = 1; round <= ROUNDS; round++) {
      const b = await batch(concurrency);
      const c = await calls(concurrency);
      const line = {
        bench: 'batch', lines: LINES, concurrency, round,
        batch_lines_per_s: Math.round(LINES / b.seconds), batch_server_ms: Math.round(b.server_ms),
        calls_lines_per_s: Math.round(LINES / c.seconds), call_errors: c.errors,
        ratio: +(c.seconds / b.seconds).toFixed(2), rss_mb: rssMb(server.pid), machine,
      };
      console.log(JSON.stringify(line));
    }
  }
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
