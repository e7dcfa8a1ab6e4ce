import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeApi, type Api } from '../helpers/api.ts';
import { closedPort, startFakeService, type FakeService } from '../helpers/fake-llm-service.ts';

const KEY = 'sk-test-right-key-0123456789';
let api: Api;
let svc: FakeService;
beforeAll(async () => (svc = await startFakeService(KEY)));
afterAll(() => svc.close());
beforeEach(() => (api = makeApi()));
afterEach(() => api.close());

const put = (name: string, body: unknown) => api.call('PUT', `/api/connections/${name}`, body);
const test = (name: string) => api.call('POST', `/api/connections/${name}/test`);

describe('POST /api/connections/{name}/test', () => {
  it('an OpenAI connection lists the models with its key, answering ok, the status and the latency', async () => {
    await put('oa', { type: 'openai', settings: { base_url: `${svc.url}/v1` }, secrets: { api_key: KEY } });
    const r = await test('oa');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ ok: true, status: 200, message: expect.stringContaining('connected to 127.0.0.1'), latency_ms: expect.any(Number) });
    expect(svc.seen.at(-1)).toMatchObject({ method: 'GET', path: '/v1/models', authorization: `Bearer ${KEY}` });
  });

  it('a wrong key is reported as rejected, without the key or the upstream words that echo it', async () => {
    await put('oa', { type: 'openai', settings: { base_url: `${svc.url}/v1` }, secrets: { api_key: 'sk-wrong-key-abcdef' } });
    const r = await test('oa');
    expect(r.json).toMatchObject({ ok: false, status: 401 });
    expect(r.json.message).toMatch(/rejected the API key/);
    expect(r.text).not.toContain('sk-wrong');
  });

  it('an unreachable port says it cannot reach the host, naming it', async () => {
    const port = await closedPort();
    await put('gone', { type: 'openai', settings: { base_url: `http://127.0.0.1:${port}/v1` }, secrets: { api_key: KEY } });
    const r = await test('gone');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ ok: false, status: null });
    expect(r.json.message).toContain(`cannot reach host 127.0.0.1:${port}`);
    expect(r.json.message).toContain('connection refused');
  });

  it('a name that does not resolve says so', async () => {
    await put('dns', { type: 'ollama', settings: { base_url: 'http://weir-test-host.invalid:11434' } });
    const r = await test('dns');
    expect(r.json.ok).toBe(false);
    expect(r.json.message).toMatch(/cannot reach host weir-test-host\.invalid:11434: (its name does not resolve|no answer)/);
  });

  it('Azure OpenAI lists models with api-key and the api-version; without api_version it says what to set', async () => {
    await put('az', { type: 'azure_openai', settings: { base_url: svc.url, api_version: '2024-10-21' }, secrets: { api_key: KEY } });
    expect((await test('az')).json).toMatchObject({ ok: true, status: 200 });
    expect(svc.seen.at(-1)).toMatchObject({ path: '/openai/models?api-version=2024-10-21', apiKey: KEY });
    await put('az-wrong', { type: 'azure_openai', settings: { base_url: svc.url, api_version: '2024-10-21' }, secrets: { api_key: 'nope' } });
    expect((await test('az-wrong')).json.message).toMatch(/rejected the API key \(401\)/);
    await put('az-bare', { type: 'azure_openai', settings: { base_url: svc.url }, secrets: { api_key: KEY } });
    const bare = await test('az-bare');
    expect(bare.status).toBe(422);
    expect(bare.json.error).toMatchObject({ code: 'connection_invalid', message: expect.stringContaining('settings.api_version') });
  });

  it('Ollama is asked for its tags, also when the base_url is its OpenAI-compatible /v1', async () => {
    await put('ol', { type: 'ollama', settings: { base_url: `${svc.url}/v1` } });
    expect((await test('ol')).json).toMatchObject({ ok: true, status: 200 });
    expect(svc.seen.at(-1)).toMatchObject({ path: '/api/tags' });
  });

  it('an HTTP connection is fetched at its base_url with its credentials', async () => {
    await put('h', { type: 'http', settings: { base_url: `${svc.url}/status`, allow_private_network: true }, secrets: { api_key: 'tok' } });
    expect((await test('h')).json).toMatchObject({ ok: true, status: 200 });
    expect(svc.seen.at(-1)).toMatchObject({ path: '/status', authorization: 'Bearer tok' });
  });

  it('refuses what it cannot test: a missing connection, no base_url, a bad URL, a type it does not know', async () => {
    expect((await test('ghost')).json.error).toMatchObject({ code: 'connection_not_found' });
    await put('nourl', { type: 'openai', settings: {} });
    expect((await test('nourl')).json.error).toMatchObject({ code: 'connection_invalid', message: expect.stringContaining('settings.base_url') });
    await put('badurl', { type: 'openai', settings: { base_url: 'file:///etc/passwd' } });
    expect((await test('badurl')).json.error.message).toContain('http(s)');
    await put('pg', { type: 'postgres', settings: {} });
    const pg = await test('pg');
    expect(pg.status).toBe(422);
    expect(pg.json.error.message).toContain('Test works for openai, azure_openai, ollama, http');
  });
});
