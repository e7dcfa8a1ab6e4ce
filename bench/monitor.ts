/**
 * A monitor's cost on the calls it samples (#16): the 3-node bench flow behind two deployments,
 * one with a monitor sampling 100 % of its calls (scored by an evaluator flow on the same
 * instance's workers) and one without, loaded in turn in rounds in the same run (BENCH_ROUNDS,
 * default 5, of BENCH_SECONDS, default 5). Prints JSON lines; the target: at most 5 % fewer req/s.
 * SCORING=elsewhere measures the serving instance alone, its workers off.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GREET_FLOW } from './lib/greet-flow.ts';
import { compareOnOff } from './lib/on-off.ts';
import { adminClient, startChild } from './lib/weir-process.ts';

const ADMIN = 'bench-admin-token';
const EVALUATOR = `weir: 1
name: greets
inputs:
  greeting: { type: string }
outputs:
  score: \${judge.output}
nodes:
  - name: judge
    type: transform
    inputs: { greeting: \${inputs.greeting} }
    config: { expression: "$contains(greeting, 'Hello') ? 5 : 1" }
`;

const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-bench-'));
// SCORING=elsewhere: this instance only serves (--workers 0), as when `weir worker` instances do the
// scoring: what is measured is then the request path's cost alone (the draw, the sample, the job a second).
const elsewhere = process.env.SCORING === 'elsewhere';
const server = await startChild(['bin/weir.js', 'serve', '--port', '0', '--data-dir', dir, ...(elsewhere ? ['--workers', '0'] : [])], { WEIR_ADMIN_TOKEN: ADMIN });
try {
  const admin = adminClient(server.url, ADMIN);
  await admin('POST', '/api/flows', GREET_FLOW);
  await admin('POST', '/api/flows/greet/publish', { message: 'bench' });
  await admin('POST', '/api/flows', EVALUATOR);
  const keys: Record<string, string> = {};
  for (const t of ['on', 'off']) {
    await admin('POST', '/api/deployments', { name: `greet-${t}`, flow: 'greet', trace_sample_rate: 0.01 });
    keys[t] = ((await admin('POST', `/api/deployments/greet-${t}/keys`, {})) as { key: string }).key;
  }
  await admin('PUT', '/api/deployments/greet-on/monitor', { sampling_rate: 1, evaluators: [{ flow: 'greets', inputs: { greeting: '${outputs.greeting}' } }] });
  await compareOnOff('flow-score', 16, (t) => ({ url: `${server.url}/deployments/greet-${t}/score`, key: keys[t]!, body: JSON.stringify({ name: 'bench' }) }), {
    rounds: Number(process.env.BENCH_ROUNDS ?? 5), seconds: Number(process.env.BENCH_SECONDS ?? 5), target: 0.95, field: elsewhere ? 'monitor-sampling-only' : 'monitor',
  });
  const m = (await admin('GET', '/api/deployments/greet-on/monitor')) as { metrics: { count: number; pass_rate: number }[] };
  console.log(JSON.stringify({ bench: 'monitor-scored', scored: m.metrics[0]?.count, pass_rate: m.metrics[0]?.pass_rate }));
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
