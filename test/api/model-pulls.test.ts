/**
 * The catalog says what runs on this machine; a model's weights download as a job from the API
 * (from a loopback mirror named by HF_ENDPOINT, as a real Hugging Face mirror would be); a model
 * without weights is refused at deploy time with how to get them; offline, the download fails
 * saying what to do instead.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeApi, type Api } from '../helpers/api.ts';
import { closedPort } from '../helpers/fake-llm-service.ts';
import { startModelMirror, type ModelMirror } from '../helpers/model-mirror.ts';

let api: Api;
let mirror: ModelMirror;
const saved = process.env.HF_ENDPOINT;
beforeAll(async () => (mirror = await startModelMirror()));
afterAll(async () => {
  await mirror.close();
  if (saved === undefined) delete process.env.HF_ENDPOINT;
  else process.env.HF_ENDPOINT = saved;
});
beforeEach(() => {
  process.env.HF_ENDPOINT = mirror.url;
  api = makeApi();
});
afterEach(() => api.close());

const MODEL = 'smollm2-135m-instruct';
const model = async (id: string) => (await api.call('GET', `/api/models/${id}`)).json;
async function settled(id: string) {
  for (let i = 0; i < 400; i++) {
    const job = (await api.call('GET', `/api/models/${id}/pull`)).json;
    if (job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the download of ${id} did not finish`);
}

describe('model availability and downloads', () => {
  it('marks each model: shipped, remote, or to download with its size', async () => {
    const all = (await api.call('GET', '/api/models')).json.data as { id: string; availability: string; available: boolean; download_bytes: number | null; pull: unknown }[];
    const by = new Map(all.map((m) => [m.id, m]));
    expect(by.get('weir-extractive')).toMatchObject({ availability: 'shipped', available: true, download_bytes: null, pull: null });
    expect(by.get('gpt-4o-mini')).toMatchObject({ availability: 'remote', available: true });
    expect(by.get(MODEL)).toMatchObject({ availability: 'not_downloaded', available: false, download_bytes: 105e6 });
  });

  it('refuses to deploy a model whose weights are absent, saying how to get them', async () => {
    const r = await api.call('POST', '/api/deployments', { name: 'small', model: MODEL });
    expect(r.status).toBe(409);
    expect(r.json.error).toMatchObject({ code: 'model_not_downloaded', param: 'model' });
    expect(r.json.error.message).toContain('Download button');
    expect(r.json.error.message).toContain(`weir models pull ${MODEL}`);
    expect(r.json.error.message).toContain('weir models add <path>');
    expect((await api.call('GET', '/api/deployments')).json.data).toEqual([]);
  });

  it('downloads from the mirror as a job with progress, refuses a second pull meanwhile, then the model is available and deploys', async () => {
    mirror.hold();
    const started = await api.call('POST', `/api/models/${MODEL}/pull`);
    expect(started.status).toBe(202);
    expect(started.json).toMatchObject({ model: MODEL, state: 'running', url: `${mirror.url}/bartowski/SmolLM2-135M-Instruct-GGUF/resolve/main/SmolLM2-135M-Instruct-Q4_K_M.gguf` });
    // Half the file has arrived and the rest is held back: the job is running, with progress.
    await expect.poll(async () => (await api.call('GET', `/api/models/${MODEL}/pull`)).json.received).toBe(mirror.bytes >> 1);
    const during = (await api.call('GET', `/api/models/${MODEL}/pull`)).json;
    expect(during).toMatchObject({ state: 'running', total: mirror.bytes });
    expect((await model(MODEL)).pull).toMatchObject({ state: 'running' });
    const again = await api.call('POST', `/api/models/${MODEL}/pull`);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('pull_in_progress');
    mirror.release();

    const done = await settled(MODEL);
    expect(done).toMatchObject({ state: 'done', received: mirror.bytes, total: mirror.bytes, error: null });
    const m = await model(MODEL);
    expect(m).toMatchObject({ availability: 'downloaded', available: true, download_bytes: null });
    expect(existsSync(m.source.path)).toBe(true);
    expect(m.source.path).toBe(path.join(api.dir, 'models', 'SmolLM2-135M-Instruct-Q4_K_M.gguf'));
    expect((await api.call('POST', `/api/models/${MODEL}/pull`)).json.error.code).toBe('already_downloaded');
    expect((await api.call('POST', '/api/deployments', { name: 'small', model: MODEL })).status).toBe(201);
  });

  it('offline, the download fails saying the host cannot be reached and how to bring the file by hand; a copied file is then used', async () => {
    process.env.HF_ENDPOINT = `http://127.0.0.1:${await closedPort()}`;
    const id = 'qwen2.5-0.5b-instruct';
    expect((await api.call('POST', `/api/models/${id}/pull`)).status).toBe(202);
    const failed = await settled(id);
    expect(failed.state).toBe('failed');
    expect(failed.error.code).toBe('network_unreachable');
    const dest = path.join(api.dir, 'models', 'Qwen2.5-0.5B-Instruct-Q4_K_M.gguf');
    expect(failed.error.message).toMatch(/^cannot reach 127\.0\.0\.1:\d+ \(connection refused\) — this machine looks offline/);
    expect(failed.error.message).toContain(`copy it to ${dest}`);
    expect(failed.error.message).toContain('weir models add <path>');
    expect((await model(id)).available).toBe(false);

    // The offline way: the file copied into place, then Download again registers it without a network.
    mkdirSync(path.dirname(dest), { recursive: true });
    const { writeTinyLlamaGguf } = await import('../helpers/tiny-gguf.ts');
    await writeTinyLlamaGguf(`${dest}.src`);
    copyFileSync(`${dest}.src`, dest);
    expect((await api.call('POST', `/api/models/${id}/pull`)).status).toBe(202);
    expect(await settled(id)).toMatchObject({ state: 'done' });
    expect((await model(id)).availability).toBe('downloaded');
  });

  it('answers clearly for what cannot be pulled', async () => {
    expect((await api.call('POST', '/api/models/no-such-model/pull')).json.error.code).toBe('model_not_found');
    expect((await api.call('POST', '/api/models/weir-extractive/pull')).json.error.code).toBe('already_downloaded');
    expect((await api.call('GET', `/api/models/${MODEL}/pull`)).json.error.code).toBe('pull_not_found');
  });
});
