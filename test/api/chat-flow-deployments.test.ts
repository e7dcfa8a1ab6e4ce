/**
 * The chat-flow generator and model deployments that exist already: it reuses a working deployment
 * of the default chat model instead of deploying it a second time, and never builds on one whose
 * model failed to load (a real failure: a registered GGUF file that is not a model).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeApi, type Api } from '../helpers/api.ts';

let api: Api;
beforeEach(async () => {
  api = makeApi();
  expect((await api.call('POST', '/api/indexes', { name: 'docs' })).status).toBe(201);
});
afterEach(() => api.close());

async function settled(name: string): Promise<{ state: string; reason?: string }> {
  for (let i = 0; i < 600; i++) {
    const d = (await api.call('GET', `/api/deployments/${name}`)).json;
    if (d.state !== 'loading') return d;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} is still loading`);
}

/** A user model whose file exists but is no GGUF: deploying it is allowed, loading it fails. */
async function brokenModel(): Promise<void> {
  const file = path.join(api.dir, 'broken.gguf');
  writeFileSync(file, 'this is not a gguf file');
  await api.store.models.put({
    id: 'broken-chat', name: 'Broken chat', publisher: 'tests', task: 'chat-completion', provider: 'llama-cpp', format: 'gguf', license: 'MIT',
    parameters: null, contextLength: 512, fileSizeBytes: 23, source: { kind: 'local', path: file }, price: null, description: 'not a model', labels: ['user'],
  });
}

describe('chat flow generator and existing deployments', () => {
  it('reuses a ready deployment of the default chat model under any name, and deploys nothing new', async () => {
    expect((await api.call('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' })).status).toBe(201);
    expect((await settled('chat')).state).toBe('ready');
    const r = await api.call('POST', '/api/indexes/docs/chat-flow', {});
    expect(r.status, r.text).toBe(201);
    expect(r.json).toMatchObject({ deployment: 'chat', created_deployment: false });
    expect((await api.call('GET', '/api/deployments')).json.data.map((d: { name: string }) => d.name)).toEqual(['chat']);
    const second = await api.call('POST', '/api/indexes/docs/chat-flow', { flow: 'second' });
    expect(second.json).toMatchObject({ deployment: 'chat', created_deployment: false });
  }, 60_000);

  it('refuses a named deployment whose model failed to load, with the reason and what to do', async () => {
    await brokenModel();
    expect((await api.call('POST', '/api/deployments', { name: 'broken', model: 'broken-chat' })).status).toBe(201);
    const d = await settled('broken');
    expect(d.state).toBe('failed');
    const r = await api.call('POST', '/api/indexes/docs/chat-flow', { deployment: 'broken' });
    expect(r.status).toBe(409);
    expect(r.json.error).toMatchObject({ code: 'deployment_failed', param: 'deployment' });
    expect(r.json.error.message).toContain('failed to load');
    expect(r.json.error.message).toContain('choose another deployment');
    expect((await api.call('GET', '/api/flows/chat-docs')).status).toBe(404);
  }, 60_000);
});
