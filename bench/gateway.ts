/**
 * The gateway's cost (#15). Prints JSON lines:
 * - quota admission: microseconds to admit a call against a key's rpm and tpm and a model
 *   deployment's allocation (4 windows) and reconcile it, on the in-process bus;
 * - content safety: the offline classifier's microseconds per KB (also in bench:safety);
 * - a published flow (the 3-node bench flow, concurrency 16) and /v1/chat/completions (the extractive
 *   model, concurrency 4) through `weir serve`, each with the whole chain on (a key with rpm and tpm,
 *   the deployment's own rpm for the flow, the default safety policy, metering) against a twin
 *   deployment with it off (no limits, a policy that filters nothing), loaded in turn in rounds in
 *   the same run (BENCH_ROUNDS, default 5, of BENCH_SECONDS, default 5).
 * The target: the chain on keeps at least 85 % of the req/s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { admit, reconcile } from '../engine/app/gateway/admit.ts';
import { deploymentLimits, keyLimits } from '../engine/app/gateway/limits.ts';
import { MemoryBus } from '../engine/bus/memory-bus.ts';
import { LexiconClassifier } from '../engine/safety/index.ts';
import { GREET_FLOW } from './lib/greet-flow.ts';
import { compareOnOff } from './lib/on-off.ts';
import { adminClient, machine, startChild } from './lib/weir-process.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ADMIN = 'bench-admin-token';
const OPTS = { rounds: ROUNDS, seconds: SECONDS, target: 0.85 };

async function admission(): Promise<void> {
  const bus = new MemoryBus();
  const key = { keyId: 'k', opens: '*' as const, expiresAt: null, rpm: 1e12, tpm: 1e15 };
  const d = { name: 'm', kind: 'model' as const, flow: null, model: 'gpt-4o', options: { connection: 'c', tpm: 1e12 }, traffic: [], traceSampleRate: 1, createdAt: 0, updatedAt: 0 };
  const limits = [...keyLimits(key), ...deploymentLimits(d, 1e12)];
  const n = 200_000;
  for (let i = 0; i < 10_000; i++) await reconcile(bus, await admit(bus, limits, 500), 300);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await reconcile(bus, await admit(bus, limits, 500), 300);
  const us = Number(process.hrtime.bigint() - t0) / 1000 / n;
  console.log(JSON.stringify({ bench: 'quota-admission', windows: limits.length, us_per_call: +us.toFixed(2), calls: n, machine }));
}

async function classifier(): Promise<void> {
  const c = new LexiconClassifier();
  const kb = 'Vienna lies on the Danube, which flows through ten countries before it reaches the Black Sea. '.repeat(11).slice(0, 1024);
  const n = 5_000;
  for (let i = 0; i < 500; i++) c.classifySync(kb, { role: 'completion' });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) c.classifySync(kb, { role: 'prompt' });
  console.log(JSON.stringify({ bench: 'safety-classifier', us_per_kb: +(Number(process.hrtime.bigint() - t0) / 1000 / n).toFixed(1), machine }));
}

async function chain(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-bench-'));
  const server = await startChild(['bin/weir.js', 'serve', '--port', '0', '--data-dir', dir], { WEIR_ADMIN_TOKEN: ADMIN });
  try {
    const admin = adminClient(server.url, ADMIN);
    const off = { hate: 'off', sexual: 'off', violence: 'off', self_harm: 'off' };
    await admin('PUT', '/api/safety-policies/off', { prompt: off, completion: off, jailbreak: false });
    await admin('POST', '/api/flows', GREET_FLOW);
    await admin('POST', '/api/flows/greet/publish', { message: 'bench' });
    await admin('POST', '/api/deployments', { name: 'greet-on', flow: 'greet', trace_sample_rate: 0.01, rpm: 1_000_000_000 });
    await admin('POST', '/api/deployments', { name: 'greet-off', flow: 'greet', trace_sample_rate: 0.01, safety_policy: 'off' });
    const flowKeys = {
      on: ((await admin('POST', '/api/deployments/greet-on/keys', { rpm: 1_000_000_000, tpm: 1_000_000_000_000 })) as { key: string }).key,
      off: ((await admin('POST', '/api/deployments/greet-off/keys', {})) as { key: string }).key,
    };
    await admin('POST', '/api/deployments', { name: 'on', model: 'weir-extractive', trace_sample_rate: 0 });
    await admin('POST', '/api/deployments', { name: 'off', model: 'weir-extractive', trace_sample_rate: 0, safety_policy: 'off' });
    const { key } = (await admin('POST', '/api/deployments/on/keys', { rpm: 1_000_000_000, tpm: 1_000_000_000_000 })) as { key: string };
    const body = (model: string) => JSON.stringify({ model, messages: [{ role: 'system', content: 'Vienna lies on the Danube. The Danube flows through ten countries. The Rhine ends in the North Sea.' }, { role: 'user', content: 'Which city lies on the Danube?' }] });
    await compareOnOff('flow-score', 16, (t) => ({ url: `${server.url}/deployments/greet-${t}/score`, key: flowKeys[t], body: JSON.stringify({ name: 'bench' }) }), OPTS);
    await compareOnOff('v1-chat', 4, (t) => ({ url: `${server.url}/v1/chat/completions`, key: t === 'on' ? key : ADMIN, body: body(t) }), OPTS);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await admission();
await classifier();
await chain();
