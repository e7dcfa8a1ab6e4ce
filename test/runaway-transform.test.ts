import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeRegistry } from '../engine/registry.ts';
import { closeSandboxPool, startedSandboxPool } from '../engine/sandbox/sandbox-pool.ts';
import { startServer, type RunningServer } from '../engine/server.ts';
import { builtinNodes } from '../nodes/index.ts';

/**
 * Runaway JSONata and templates through the real server (HTTP on 127.0.0.1): it fails with node_timeout naming the
 * node, and everyone else is answered while it runs. Before the sandbox, a catastrophic regex on a
 * 30-character caller input ran ~40 s here with timeout_ms 200, was recorded as succeeded, and
 * /healthz waited for it.
 */
const ADMIN = 'runaway-admin';
let dir: string;
let server: RunningServer;

const transformFlow = (name: string, expression: string, timeoutMs: number) => `weir: 1
name: ${name}
inputs: { s: { type: string, default: "x" } }
outputs: { out: \${t.output} }
nodes:
  - name: t
    type: transform
    inputs: { s: \${inputs.s} }
    config: { expression: ${JSON.stringify(expression)}, timeout_ms: ${timeoutMs} }
`;

// A template that would loop ten billion times: past the in-process slice it renders on a sandbox
// thread, which the node's timeout ends.
const templateRunaway = `weir: 1
name: template-runaway
outputs: { out: \${t.output} }
nodes:
  - name: t
    type: prompt
    timeout: 1500ms
    config: { template: "{% for i in range(0, 100000) %}{% for j in range(0, 100000) %}{% endfor %}{% endfor %}" }
`;

// Ten million JSONata steps on a sandbox thread: far past any budget below.
const RUNAWAY = '$sum([1..9999999].($ * 2)) + $sum([1..9999999].($ * 3))';

async function call(method: string, url: string, body?: unknown, key = ADMIN) {
  const res = await fetch(server.url + url, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': typeof body === 'string' ? 'application/yaml' : 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json().catch(() => undefined)) as any };
}

/** A run followed over SSE: resolves `started` when node `t` starts, `finished` with the run.finished event. */
function followRun(flow: string, inputs: Record<string, unknown> = {}) {
  let onStarted!: (runId: string) => void;
  const started = new Promise<string>((r) => (onStarted = r));
  const finished = (async () => {
    const res = await fetch(`${server.url}/api/flows/${flow}/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ inputs }),
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended before run.finished');
      buf += value;
      let cut: number;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const data = block.split('\n').find((l) => l.startsWith('data:'));
        if (!data) continue;
        const e = JSON.parse(data.slice(5));
        if (e.type === 'node.started' && e.node === 't') onStarted(e.runId);
        if (e.type === 'run.finished') {
          await reader.cancel();
          return e as { status: string; error?: { code: string; node?: string }; outputs?: Record<string, unknown> };
        }
      }
    }
  })();
  return { started, finished };
}

/** The sandbox thread once it runs a task (the in-process slice comes first). */
async function busyThread() {
  for (;;) {
    const pool = startedSandboxPool();
    if (pool && pool.threads.length > 0 && pool.idleThreads === 0) return pool.threads[0];
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'weir-runaway-'));
  server = await startServer({ registry: new NodeRegistry(builtinNodes), port: 0, dataDir: dir, adminToken: ADMIN, examplesDir: null, shutdownGraceMs: 100 });
  for (const [name, expr, ms] of [
    ['runaway', RUNAWAY, 1_500],
    ['forever', RUNAWAY, 60_000],
    ['regex', '$exists($match(s, /(a+)+$/))', 10_000],
    ['other', '$uppercase(s)', 2_000],
    ['warm', '$sum([1..100000])', 5_000],
  ] as const) {
    expect((await call('POST', '/api/flows', transformFlow(name, expr, ms))).status).toBe(201);
  }
  expect((await call('POST', '/api/flows', templateRunaway)).status).toBe(201);
});
afterAll(async () => {
  await server?.close();
  await closeSandboxPool();
  rmSync(dir, { recursive: true, force: true });
});

describe('runaway transforms through the server', () => {
  it('a catastrophic regex on a 30-character caller input is answered at once by a published endpoint (RE2)', async () => {
    expect((await call('POST', '/api/flows/regex/publish', { message: 'v1' })).status).toBe(201);
    expect((await call('POST', '/api/deployments', { name: 'regex', flow: 'regex' })).status).toBe(201);
    const key = (await call('POST', '/api/deployments/regex/keys', {})).json.key;
    const r = await call('POST', '/deployments/regex/score', { s: `${'a'.repeat(30)}!` }, key);
    expect(r).toMatchObject({ status: 200, json: { out: false } });
    expect((await call('POST', '/deployments/regex/score', { s: 'baaa' }, key)).json).toEqual({ out: true });
  });

  it.each(['runaway', 'template-runaway'])('%s fails with node_timeout naming the node, while /healthz and another flow are answered', async (flow) => {
    const order: string[] = [];
    const runaway = followRun(flow);
    await runaway.started;
    const healthz = fetch(`${server.url}/healthz`).then(async (r) => (order.push('healthz'), r.status));
    const other = call('POST', '/api/flows/other/runs', { inputs: { s: 'hi' } }).then((r) => (order.push('other'), r.json));
    const finished = runaway.finished.then((e) => (order.push('runaway'), e));
    expect(await healthz).toBe(200);
    expect(await other).toMatchObject({ status: 'succeeded', outputs: { out: 'HI' } });
    const e = await finished;
    expect(e.status).toBe('failed');
    // The template stops at its timeout or, first on a fast machine, at its step budget; either way
    // a failure naming the node, never a success.
    expect(e.error).toMatchObject({ code: flow === 'runaway' ? 'node_timeout' : expect.stringMatching(/^(node_timeout|template_budget)$/), node: 't' });
    expect(order).toEqual(['healthz', 'other', 'runaway']);
  });

  it('cancelling a run ends the sandbox thread running its transform', async () => {
    await call('POST', '/api/flows/warm/runs', {}); // a started thread, so the task runs at once
    const run = followRun('forever');
    const runId = await run.started;
    const thread = await busyThread();
    const exited = once(thread, 'exit');
    expect((await call('DELETE', `/api/runs/${runId}`)).status).toBe(202);
    expect((await run.finished).status).toBe('cancelled');
    await exited;
    expect(startedSandboxPool()!.threads).not.toContain(thread);
    // The pool goes on: the next task gets a new thread.
    expect((await call('POST', '/api/flows/warm/runs', {})).json).toMatchObject({ status: 'succeeded', outputs: { out: 5000050000 } });
  });
});
