import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WeirError } from '../errors.ts';
import { BUILTIN_MODELS } from './catalog-data.ts';
import { downloadUrl, pullModel, type PullProgress } from './pull.ts';
import type { ModelEntry } from './types.ts';

const BODY = randomBytes(300_000);
const SHA = createHash('sha256').update(BODY).digest('hex');

const entry = (url: string, over: Partial<ModelEntry> & { sha256?: string } = {}): ModelEntry => {
  const { sha256, ...rest } = over;
  return {
    ...BUILTIN_MODELS.find((e) => e.id === 'smollm2-135m-instruct')!,
    source: { kind: 'huggingface', repo: 'test/repo', file: 'tiny.gguf', url, ...(sha256 ? { sha256 } : {}) },
    ...rest,
  };
};

let dir: string;
let server: Server | undefined;
const sockets = new Set<Socket>();

/** A loopback server; `handler` decides what each request gets. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Streams BODY in chunks, like a CDN. */
const sendBody: Parameters<typeof createServer>[1] = (_req, res) => {
  res.writeHead(200, { 'content-length': BODY.length, 'content-type': 'application/octet-stream' });
  let at = 0;
  const next = () => {
    if (at >= BODY.length) return res.end();
    res.write(BODY.subarray(at, (at += 64_000)), next);
  };
  next();
};

async function failure(p: Promise<unknown>): Promise<WeirError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WeirError);
  return err as WeirError;
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'weir-pull-'));
});
afterEach(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('pullModel', () => {
  it('streams the file to disk with progress, checks the sha256 and renames it into place', async () => {
    const base = await serve(sendBody);
    const progress: PullProgress[] = [];
    const got = await pullModel(entry(`${base}/tiny.gguf`, { sha256: SHA.toUpperCase() }), { dir, onProgress: (p) => progress.push(p) });
    expect(got).toEqual({ path: path.join(dir, 'tiny.gguf'), sha256: SHA, bytes: BODY.length });
    expect((await readFile(got.path)).equals(BODY)).toBe(true);
    expect(await readdir(dir)).toEqual(['tiny.gguf']);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.every((p) => p.total === BODY.length)).toBe(true);
    expect(progress.map((p) => p.received)).toEqual([...progress.map((p) => p.received)].sort((a, b) => a - b));
    expect(progress.at(-1)?.received).toBe(BODY.length);
  });

  it('deletes the partial file and keeps nothing when the checksum does not match', async () => {
    const base = await serve(sendBody);
    const err = await failure(pullModel(entry(`${base}/tiny.gguf`, { sha256: '0'.repeat(64) }), { dir }));
    expect(err.code).toBe('checksum_mismatch');
    expect(err.message).toContain(SHA);
    expect(await readdir(dir)).toEqual([]);
  });

  it('gives up on a download that stops sending, and removes the partial file', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': BODY.length });
      res.write(BODY.subarray(0, 1000));
      // …and never another byte.
    });
    const err = await failure(pullModel(entry(`${base}/tiny.gguf`), { dir, idleTimeoutMs: 300 }));
    expect(err.code).toBe('download_stalled');
    expect(existsSync(path.join(dir, 'tiny.gguf.part'))).toBe(false);
  });

  it('treats a server that accepts but never answers as unreachable', async () => {
    const base = await serve(() => {});
    const err = await failure(pullModel(entry(`${base}/tiny.gguf`), { dir, connectTimeoutMs: 300 }));
    expect(err.code).toBe('network_unreachable');
    expect(err.message).toContain('127.0.0.1');
  });

  it('fails with network_unreachable and says what to do when nothing listens or the name does not resolve', async () => {
    // A port that was just free: the connection is refused.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const refused = await failure(pullModel(entry(`http://127.0.0.1:${port}/tiny.gguf`), { dir }));
    expect(refused.code).toBe('network_unreachable');
    expect(refused.message).toBe(`could not reach 127.0.0.1:${port} (connection refused): weir models pull needs a network; register a file you already have with weir models add <path>`);
    // fetch refuses port 1 before connecting; still the same error.
    expect((await failure(pullModel(entry('http://127.0.0.1:1/tiny.gguf'), { dir }))).code).toBe('network_unreachable');
    // .invalid never resolves (RFC 6761), online or off.
    const dns = await failure(pullModel(entry('https://weir-models.invalid/tiny.gguf'), { dir }));
    expect(dns.code).toBe('network_unreachable');
    expect(dns.message).toContain('could not reach weir-models.invalid');
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports an HTTP error status, and a body shorter than announced', async () => {
    const base = await serve((req, res) => {
      if (req.url === '/missing.gguf') return void res.writeHead(404).end('not found');
      res.writeHead(200, { 'content-length': 5000 });
      res.write(BODY.subarray(0, 100), () => res.socket?.destroy());
    });
    const missing = await failure(pullModel(entry(`${base}/missing.gguf`), { dir }));
    expect(missing).toMatchObject({ code: 'download_failed', status: 404 });
    const short = await failure(pullModel(entry(`${base}/short.gguf`), { dir }));
    expect(['download_incomplete', 'download_interrupted']).toContain(short.code);
    expect(await readdir(dir)).toEqual([]);
  });

  it('stops when the caller aborts', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': BODY.length });
      res.write(BODY.subarray(0, 1000));
    });
    const ctl = new AbortController();
    const p = pullModel(entry(`${base}/tiny.gguf`), { dir, signal: ctl.signal, onProgress: (pr) => pr.received > 0 && ctl.abort() });
    expect((await failure(p)).code).toBe('pull_cancelled');
  });

  it('downloads an ONNX model as a folder with its tokenizer and config', async () => {
    const files: Record<string, string | Buffer> = { '/Xenova/mini/resolve/main/config.json': '{"model_type":"bert"}', '/Xenova/mini/resolve/main/tokenizer.json': '{}', '/Xenova/mini/resolve/main/tokenizer_config.json': '{}', '/Xenova/mini/resolve/main/onnx/model.onnx': BODY };
    const base = await serve((req, res) => {
      const body = files[req.url ?? ''];
      if (body === undefined) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': Buffer.byteLength(body) }).end(body);
    });
    const onnx = BUILTIN_MODELS.find((e) => e.id === 'bge-small-en-v1.5')!;
    const mini: ModelEntry = { ...onnx, id: 'mini', source: { kind: 'huggingface', repo: 'Xenova/mini', file: 'onnx/model.onnx' } };
    const saved = process.env.HF_ENDPOINT;
    process.env.HF_ENDPOINT = base;
    try {
      expect(downloadUrl(mini)).toBe(`${base}/Xenova/mini/resolve/main/onnx/model.onnx`);
      const got = await pullModel(mini, { dir });
      expect(got).toMatchObject({ path: path.join(dir, 'mini'), sha256: SHA });
      expect((await readdir(got.path)).sort()).toEqual(['config.json', 'onnx', 'tokenizer.json', 'tokenizer_config.json']);
    } finally {
      if (saved === undefined) delete process.env.HF_ENDPOINT;
      else process.env.HF_ENDPOINT = saved;
    }
  });

  it('refuses models that have nothing to download', async () => {
    for (const id of ['use-lite', 'weir-extractive', 'gpt-4o-mini']) {
      expect((await failure(pullModel(BUILTIN_MODELS.find((e) => e.id === id)!, { dir }))).code).toBe('not_pullable');
    }
  });

  it('builds the Hugging Face URL when the catalog gives only repo and file', () => {
    const e = entry('', {});
    e.source = { kind: 'huggingface', repo: 'bartowski/X-GGUF', file: 'X Q4.gguf' };
    expect(downloadUrl(e)).toBe('https://huggingface.co/bartowski/X-GGUF/resolve/main/X%20Q4.gguf');
  });
});
