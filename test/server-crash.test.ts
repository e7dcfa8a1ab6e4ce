import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ensureBuilt } from './helpers/cli.ts';
import { SLOW_FLOW, slowUpstream, startServerProcess } from './helpers/server-process.ts';

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


async function call(base: string, method: string, url: string, body?: unknown, key = ADMIN) {
  const res = await fetch(base + url, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': typeof body === 'string' ? 'application/yaml' : 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json().catch(() => undefined)) as any };
}

const status = async (base: string, id: string) => (await call(base, 'GET', `/api/runs/${id}`)).json;
const poll = { timeout: 30_000, interval: 50 };

it('survives SIGKILL mid-run: async runs are run again once, then read interrupted; everything published is intact', async () => {
  const first = await startServerProcess(dataDir, ADMIN);
  const base = first.url;
  await call(base, 'PUT', '/api/connections/upstream', { type: 'http', settings: { base_url: upstream.url, allow_private_network: true } });
  expect((await call(base, 'POST', '/api/flows', SLOW_FLOW)).status).toBe(201);
  expect((await call(base, 'POST', '/api/flows/fetch/publish', { message: 'v1' })).status).toBe(201);
  expect((await call(base, 'POST', '/api/deployments', { name: 'fetch', flow: 'fetch' })).status).toBe(201);
  const key = (await call(base, 'POST', '/api/deployments/fetch/keys', {})).json.key;
  expect((await call(base, 'POST', '/deployments/fetch/score', { ms: 1 }, key)).json).toEqual({ slept: 1 });
  const runIds: string[] = [];
  for (let i = 0; i < 3; i++) runIds.push((await call(base, 'POST', '/deployments/fetch/runs', { ms: 30_000 }, key)).json.run_id);
  const short = (await call(base, 'POST', '/deployments/fetch/runs', { ms: 1_500 }, key)).json.run_id;
  for (const id of [...runIds, short]) await vi.waitFor(async () => expect((await status(base, id)).status).toBe('running'), poll);

  first.child.kill('SIGKILL');
  await first.exited;

  // The next start takes the dead process's jobs at once (its pid is gone) and runs each again.
  const second = await startServerProcess(dataDir, ADMIN);
  await vi.waitFor(async () => expect(await status(second.url, short)).toMatchObject({ status: 'succeeded', outputs: { slept: 1_500 }, error: null }), poll);
  for (const id of runIds) expect((await status(second.url, id)).status).toBe('running');
  expect((await call(second.url, 'GET', '/api/flows/fetch/versions')).json.data).toHaveLength(1);
  expect((await call(second.url, 'GET', '/api/deployments/fetch')).json.traffic).toEqual([{ version: 1, weight: 100 }]);
  expect((await call(second.url, 'POST', '/deployments/fetch/score', { ms: 2 }, key)).json).toEqual({ slept: 2 });

  // Killed on their second try too: that was their last, so they are marked, not run a third time.
  second.child.kill('SIGKILL');
  await second.exited;
  const third = await startServerProcess(dataDir, ADMIN);
  for (const id of runIds) await vi.waitFor(async () => expect(await status(third.url, id)).toMatchObject({ status: 'interrupted', error: { code: 'interrupted' } }), poll);

  // Graceful stop: a run in flight finishes within the grace period and is stored as succeeded.
  const inflight = (await call(third.url, 'POST', '/deployments/fetch/runs', { ms: 300 }, key)).json.run_id;
  await vi.waitFor(async () => expect((await status(third.url, inflight)).status).toBe('running'), poll);
  third.child.kill('SIGTERM');
  expect(await third.exited).toBe(0);
  const fourth = await startServerProcess(dataDir, ADMIN);
  expect(await status(fourth.url, inflight)).toMatchObject({ status: 'succeeded', outputs: { slept: 300 } });
  fourth.child.kill('SIGTERM');
  await fourth.exited;
}, 120_000);
