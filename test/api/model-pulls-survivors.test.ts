/**
 * Cases around the mutants Stryker left alive in engine/app/model-pulls.ts (see
 * test/mutation/web-apps.md): what each refusal says, a pulled copy whose file is gone, an ONNX
 * folder, a mirror that fails or sends no length, a download stopped at shutdown. Real app, real
 * SQLite, loopback HTTP servers standing in for the Hugging Face mirror (HF_ENDPOINT).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../engine/models/catalog-data.ts';
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

const GGUF = 'smollm2-135m-instruct';
const ONNX = 'bge-small-en-v1.5';
const pull = (id: string) => api.call('POST', `/api/models/${id}/pull`);
async function settled(id: string) {
  for (let i = 0; i < 400; i++) {
    const job = (await api.call('GET', `/api/models/${id}/pull`)).json;
    if (job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the download of ${id} did not finish`);
}

/** A mirror that answers every path with `status`, or (status 200) sends half a body of unknown length and holds the rest. */
async function brokenMirror(status: number): Promise<{ url: string; close: () => Promise<void> }> {
  const held: ServerResponse[] = [];
  const server: Server = createServer((_req, res) => {
    if (status !== 200) return void res.writeHead(status).end('no');
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.write(Buffer.alloc(1000, 1));
    held.push(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      return new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

describe('refusals say what is wrong', () => {
  it('an unknown model: 404 naming it and where the catalog is', async () => {
    const r = await pull('no-such-model');
    expect(r.status).toBe(404);
    expect(r.json.error).toMatchObject({ code: 'model_not_found', param: 'model', message: 'model "no-such-model" is not in the catalog (GET /api/models)' });
  });

  it('a model already here: 409 saying it is on this machine and how', async () => {
    const r = await pull('weir-extractive');
    expect(r.status).toBe(409);
    expect(r.json.error.message).toBe('model "weir-extractive" is on this machine already (shipped); there is nothing to download');
  });

  it('a second pull while one runs: 409 with the bytes so far and where to follow it', async () => {
    mirror.hold();
    try {
      expect((await pull(GGUF)).status).toBe(202);
      await expect.poll(async () => (await api.call('GET', `/api/models/${GGUF}/pull`)).json.received).toBe(mirror.bytes >> 1);
      const again = await pull(GGUF);
      expect(again.json.error.message).toBe(`model "${GGUF}" is already downloading (${mirror.bytes >> 1} bytes so far); follow it with GET /api/models/${GGUF}/pull`);
    } finally {
      mirror.release();
    }
    expect(await settled(GGUF)).toMatchObject({ state: 'done' });
  });

  it('a registered model whose file is gone and that has no download: 422 saying how to register it', async () => {
    const base = BUILTIN_MODELS.find((m) => m.id === GGUF)!;
    await api.store.models.put({ ...base, id: 'my-local', name: 'Mine', source: { kind: 'local', path: path.join(api.dir, 'gone.gguf') }, labels: [] });
    const r = await pull('my-local');
    expect(r.status).toBe(422);
    expect(r.json.error).toMatchObject({ code: 'not_pullable', message: 'model "my-local" has no download: register its file with `weir models add <path>`' });
  });
});

describe('downloads', () => {
  it('records when a download finished', async () => {
    expect((await pull(GGUF)).status).toBe(202);
    const done = await settled(GGUF);
    expect(done.state).toBe('done');
    expect(Date.parse(done.finished_at)).toBeGreaterThanOrEqual(Date.parse(done.started_at));
  });

  it('downloads a pulled copy again from the catalog when its file is gone', async () => {
    expect((await pull(GGUF)).status).toBe(202);
    expect(await settled(GGUF)).toMatchObject({ state: 'done' });
    const file = (await api.call('GET', `/api/models/${GGUF}`)).json.source.path as string;
    rmSync(file);
    expect((await api.call('GET', `/api/models/${GGUF}`)).json.available).toBe(false);
    const again = await pull(GGUF);
    expect(again.status, again.text).toBe(202);
    expect(await settled(GGUF)).toMatchObject({ state: 'done', error: null });
    expect((await api.call('GET', `/api/models/${GGUF}`)).json).toMatchObject({ availability: 'downloaded', available: true });
  });

  it("offline, an ONNX model's message names its folder and its size, and a half-made folder is not taken as the model", async () => {
    process.env.HF_ENDPOINT = `http://127.0.0.1:${await closedPort()}`;
    const folder = path.join(api.dir, 'models', ONNX);
    mkdirSync(folder, { recursive: true });
    expect((await pull(ONNX)).status).toBe(202);
    const failed = await settled(ONNX);
    expect(failed.state).toBe('failed');
    expect(failed.error.code).toBe('network_unreachable');
    expect(failed.error.message).toContain(`copy it to ${folder},`);
    const bytes = BUILTIN_MODELS.find((m) => m.id === ONNX)!.fileSizeBytes!;
    expect(failed.error.message).toContain(`${ONNX} needs about ${Math.round(bytes / 1e6)} MB.`);
    expect(failed.error.message).toMatch(/^cannot reach 127\.0\.0\.1:\d+ \(connection refused\) — this machine looks offline\. .* Behind a mirror, set HF_ENDPOINT\./);
  });

  it("a mirror's error is told as it is, not as being offline", async () => {
    const broken = await brokenMirror(500);
    process.env.HF_ENDPOINT = broken.url;
    try {
      expect((await pull(GGUF)).status).toBe(202);
      const failed = await settled(GGUF);
      expect(failed.error.code).toBe('download_failed');
      expect(failed.error.message).toMatch(/answered 500/);
      expect(failed.error.message).not.toMatch(/offline/);
    } finally {
      await broken.close();
    }
  });

  it('a failure that is not a download error is download_failed with its reason', async () => {
    // The models folder cannot be made: a file is in its place.
    writeFileSync(path.join(api.dir, 'models'), 'not a folder');
    expect((await pull(GGUF)).status).toBe(202);
    const failed = await settled(GGUF);
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'download_failed', message: expect.stringMatching(/models/) } });
  });

  it("keeps the catalog's size as the total while a mirror sends no length, and stops at shutdown", async () => {
    const broken = await brokenMirror(200);
    process.env.HF_ENDPOINT = broken.url;
    try {
      expect((await pull(GGUF)).status).toBe(202);
      await expect.poll(async () => (await api.call('GET', `/api/models/${GGUF}/pull`)).json.received).toBe(1000);
      expect((await api.call('GET', `/api/models/${GGUF}/pull`)).json).toMatchObject({ state: 'running', total: BUILTIN_MODELS.find((m) => m.id === GGUF)!.fileSizeBytes });
      api.ws.pulls.close();
      const stopped = await settled(GGUF);
      expect(stopped.state).toBe('failed');
    } finally {
      await broken.close();
    }
  });
});
