/**
 * Model deployments' lifecycle with the real default models: one loaded model shared by the
 * deployments (and the extractive model's embedder) that use it, unloaded once unused, and loaded
 * again when the server starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { NodeRegistry } from '../../engine/registry.ts';
import { startServer } from '../../engine/server.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { makeApi, type Api } from '../helpers/api.ts';

let api: Api;
beforeEach(() => (api = makeApi()));
afterEach(() => api.close());

const create = async (name: string, model: string, extra: Record<string, unknown> = {}) => {
  const r = await api.call('POST', '/api/deployments', { name, model, ...extra });
  expect(r.status, r.text).toBe(201);
};
const remove = async (name: string) => expect((await api.call('DELETE', `/api/deployments/${name}`)).status).toBe(204);

it('shares one loaded model between deployments of the same model and options, and unloads it once unused', async () => {
  await create('a', 'use-lite');
  await create('b', 'use-lite');
  await create('c', 'use-lite', { context_size: 256 });
  const a = await api.ws.models.get('a');
  expect(await api.ws.models.get('b')).toBe(a);
  expect(await api.ws.models.get('c')).not.toBe(a);

  await remove('a');
  await expect(api.ws.models.get('a')).rejects.toMatchObject({ code: 'model_not_ready', status: 503 });
  expect(await api.ws.models.get('b')).toBe(a);
  expect((await (await api.ws.models.get('b')).embed!(['still here'])).vectors[0]).toHaveLength(512);

  await remove('b');
  await create('d', 'use-lite');
  expect(await api.ws.models.get('d')).not.toBe(a);
});

it('lends the extractive model the shared default embedding model, and keeps it while borrowed', async () => {
  await create('chat', 'weir-extractive');
  await api.ws.models.get('chat');
  await create('embed', 'use-lite');
  const shared = await api.ws.models.get('embed');
  await remove('embed');
  // The chat model still borrows it: a new deployment finds it loaded.
  await create('embed-again', 'use-lite');
  expect(await api.ws.models.get('embed-again')).toBe(shared);
  await remove('chat');
  await remove('embed-again');
  await create('embed-fresh', 'use-lite');
  expect(await api.ws.models.get('embed-fresh')).not.toBe(shared);
});

it('loads model deployments again when the server starts, and serves their old keys', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-restart-'));
  const start = () => startServer({ registry: new NodeRegistry(builtinNodes), port: 0, dataDir: dir, adminToken: 'restart-admin', examplesDir: null });
  const admin = { authorization: 'Bearer restart-admin', 'content-type': 'application/json' };
  try {
    let server = await start();
    await fetch(`${server.url}/api/deployments`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'embed', model: 'use-lite' }) });
    const { key } = (await (await fetch(`${server.url}/api/deployments/embed/keys`, { method: 'POST', headers: admin, body: '{}' })).json()) as { key: string };
    await server.close();

    server = await start();
    // Loading started at startup, before any call.
    expect(server.workspace.models.names()).toEqual(['embed']);
    await server.workspace.models.get('embed');
    const r = await fetch(`${server.url}/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'embed', input: 'hello' }) });
    expect(r.status).toBe(200);
    const d = (await (await fetch(`${server.url}/api/deployments/embed`, { headers: admin })).json()) as { state: string; loaded_at: string };
    expect(d.state).toBe('ready');
    await server.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
