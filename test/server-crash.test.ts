import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt } from './helpers/cli.ts';
import { slowUpstream, startServerProcess } from './helpers/server-process.ts';

const ADMIN = 'crash-test-admin';
let dataDir: string;
let upstream: Awaited<ReturnType<typeof slowUpstream>>;

beforeAll(async () => {
  ensureBuilt();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'weir-crash-'));
  upstream = await slowUpstream();
});
afterAll(async () => {
  await upstream.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const FLOW = `weir: 1
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

async function call(base: string, method: string, url: string, body?: unknown, key = ADMIN) {
  const res = await fetch(base + url, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': typeof body === 'string' ? 'application/yaml' : 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json().catch(() => undefined)) as any };
}

it('survives SIGKILL mid-run: runs read interrupted, everything published is intact, and it serves again', async () => {
  const first = await startServerProcess(dataDir, ADMIN);
  const base = first.url;
  await call(base, 'PUT', '/api/connections/upstream', { type: 'http', settings: { base_url: upstream.url, allow_private_network: true } });
  expect((await call(base, 'POST', '/api/flows', FLOW)).status).toBe(201);
  expect((await call(base, 'POST', '/api/flows/fetch/publish', { message: 'v1' })).status).toBe(201);
  expect((await call(base, 'POST', '/api/deployments', { name: 'fetch', flow: 'fetch' })).status).toBe(201);
  const key = (await call(base, 'POST', '/api/deployments/fetch/keys', {})).json.key;
  expect((await call(base, 'POST', '/deployments/fetch/score', { ms: 1 }, key)).json).toEqual({ slept: 1 });
  const runIds: string[] = [];
  for (let i = 0; i < 3; i++) runIds.push((await call(base, 'POST', '/deployments/fetch/runs', { ms: 30_000 }, key)).json.run_id);
  expect((await call(base, 'GET', `/api/runs/${runIds[0]}`)).json.status).toBe('running');

  first.child.kill('SIGKILL');
  await first.exited;

  const second = await startServerProcess(dataDir, ADMIN);
  expect(second.output()).toContain('marked 3 run(s) left unfinished by the last stop as interrupted');
  for (const id of runIds) {
    const run = await call(second.url, 'GET', `/api/runs/${id}`);
    expect(run.json).toMatchObject({ status: 'interrupted', error: { code: 'interrupted' } });
  }
  expect((await call(second.url, 'GET', '/api/flows/fetch/versions')).json.data).toHaveLength(1);
  expect((await call(second.url, 'GET', '/api/deployments/fetch')).json.traffic).toEqual([{ version: 1, weight: 100 }]);
  expect((await call(second.url, 'POST', '/deployments/fetch/score', { ms: 2 }, key)).json).toEqual({ slept: 2 });

  // Graceful stop: a run in flight finishes within the grace period and is stored as succeeded.
  const inflight = (await call(second.url, 'POST', '/deployments/fetch/runs', { ms: 300 }, key)).json.run_id;
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
  const third = await startServerProcess(dataDir, ADMIN);
  expect((await call(third.url, 'GET', `/api/runs/${inflight}`)).json).toMatchObject({ status: 'succeeded', outputs: { slept: 300 } });
  third.child.kill('SIGTERM');
  await third.exited;
}, 60_000);
