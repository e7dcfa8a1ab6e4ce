/**
 * `weir models …` through the CLI's `main()`, against a temp data folder. Downloads go to a
 * loopback server or to a name that never resolves, via HF_ENDPOINT (the Hugging Face mirror
 * setting), so the tests behave the same with or without internet.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../engine/cli.ts';

/** A minimal GGUF v3 file: header, string/uint32 metadata and one small f32 tensor. */
function tinyGguf(meta: Record<string, string | number>): Buffer {
  const u32 = (n: number) => Buffer.from(new Uint32Array([n]).buffer);
  const u64 = (n: number) => Buffer.from(new BigUint64Array([BigInt(n)]).buffer);
  const str = (s: string) => Buffer.concat([u64(Buffer.byteLength(s)), Buffer.from(s)]);
  const kvs = Object.entries(meta).map(([k, v]) => Buffer.concat([str(k), ...(typeof v === 'string' ? [u32(8), str(v)] : [u32(4), u32(v)])]));
  const tensor = Buffer.concat([str('token_embd.weight'), u32(2), u64(16), u64(8), u32(0), u64(0)]);
  const head = Buffer.concat([Buffer.from('GGUF'), u32(3), u64(1), u64(kvs.length), ...kvs, tensor]);
  return Buffer.concat([head, Buffer.alloc((32 - (head.length % 32)) % 32), Buffer.alloc(16 * 8 * 4)]);
}

let tmp: string;
let dataDir: string;
const savedEndpoint = process.env.HF_ENDPOINT;

async function weir(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['models', ...args, '--data-dir', dataDir], { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

/** Ids in the first column of a table, header excluded. */
const ids = (table: string) => table.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0]);

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'weir-cli-models-'));
  dataDir = path.join(tmp, 'data');
});
afterEach(() => {
  if (savedEndpoint === undefined) delete process.env.HF_ENDPOINT;
  else process.env.HF_ENDPOINT = savedEndpoint;
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('weir models list / search / show', () => {
  it('lists the catalog as a table with the offline defaults, without creating the data folder', async () => {
    const r = await weir('list');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.split('\n')[0].split(/\s+/)).toEqual(['id', 'task', 'provider', 'params', 'context', 'license', 'size']);
    expect(ids(r.stdout).slice(0, 2)).toEqual(['use-lite', 'weir-extractive']);
    expect(r.stdout).toMatch(/^smollm2-135m-instruct\s+chat-completion\s+llama-cpp\s+135M\s+8K\s+Apache-2.0\s+105 MB$/m);
    expect(existsSync(dataDir)).toBe(false);
    const json = JSON.parse((await weir('list', '--json')).stdout);
    expect(json.find((m: { id: string }) => m.id === 'use-lite')).toMatchObject({ provider: 'use-lite', dimensions: 512, local: true });
  });

  it('searches by words and filters by task, license, provider and locality', async () => {
    expect(ids((await weir('search', 'qwen', '7b')).stdout)).toEqual(['qwen2.5-7b-instruct']);
    expect(ids((await weir('search', '--task', 'embeddings', '--local')).stdout)).toEqual([
      'use-lite', 'bge-small-en-v1.5', 'bge-base-en-v1.5', 'e5-small-v2', 'all-minilm-l6-v2', 'nomic-embed-text-v1.5', 'bge-small-en-v1.5-gguf', 'all-minilm-l6-v2-gguf',
    ]);
    expect(ids((await weir('search', '--task', 'embeddings', '--provider', 'llama-cpp')).stdout)).toEqual(['nomic-embed-text-v1.5', 'bge-small-en-v1.5-gguf', 'all-minilm-l6-v2-gguf']);
    expect(ids((await weir('search', '--license', 'MIT', '--task', 'chat-completion')).stdout)).toEqual(['phi-3.5-mini-instruct', 'phi-4-mini-instruct']);
    expect(ids((await weir('search', '--provider', 'openai-compatible')).stdout)).toEqual(['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small']);
    expect((await weir('search', 'no-such-model-anywhere')).stdout).toBe('no models match\n');
    const bad = await weir('search', '--task', 'painting');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: --task painting: expected one of chat-completion, text-generation, embeddings, extractive-qa\n');
  });

  it('shows one model', async () => {
    const r = await weir('show', 'weir-extractive');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^provider:\s+extractive$/m);
    expect(r.stdout).toMatch(/^description:.*extractive/im);
    expect(r.stdout).toMatch(/^supports:\s+neither tools nor structured output$/m);
    const q = await weir('show', 'qwen2.5-3b-instruct');
    expect(q.stdout).toMatch(/^license:\s+qwen-research$/m);
    expect(q.stdout).toMatch(/^context:\s+32768 tokens$/m);
    expect(q.stdout).toMatch(/^supports:\s+tools, structured output$/m);
    expect(q.stdout).toMatch(/^source:\s+huggingface bartowski\/Qwen2.5-3B-Instruct-GGUF Qwen2.5-3B-Instruct-Q4_K_M.gguf$/m);
    expect(JSON.parse((await weir('show', 'gpt-4o', '--json')).stdout).price).toEqual({ input_per_1k: 0.0025, output_per_1k: 0.01, per_hour: null });
    const missing = await weir('show', 'gpt-9');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no model "gpt-9"');
  });
});

describe('weir models add', () => {
  it('registers a GGUF file from its header; list and show then include it', async () => {
    const file = path.join(tmp, 'tiny.gguf');
    await writeFile(file, tinyGguf({ 'general.architecture': 'llama', 'general.name': 'Tiny Llama Test', 'general.license': 'mit', 'llama.context_length': 4096, 'tokenizer.chat_template': '{{ messages }}' }));
    const r = await weir('add', file);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('added tiny-llama-test (chat-completion, llama-cpp');
    expect((await weir('list')).stdout).toMatch(/^tiny-llama-test\s+chat-completion\s+llama-cpp\s+128\s+4K\s+mit\s+\d+ B$/m);
    const show = await weir('show', 'tiny-llama-test');
    expect(show.stdout).toContain(`local ${file}`);
    expect(show.stdout).toMatch(/^labels:\s+user$/m);
    // Added by hand, it can do what its runtime does.
    expect(show.stdout).toMatch(/^supports:\s+tools, structured output$/m);

    const again = await weir('add', file);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already registered');
    expect((await weir('add', file, '--force')).code).toBe(0);
    const clash = await weir('add', file, '--name', 'use-lite');
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('"use-lite" is a built-in model id');
  });

  it('registers embedding GGUFs: with --task embeddings, or when the header says so', async () => {
    const plain = path.join(tmp, 'plain-llama.gguf');
    await writeFile(plain, tinyGguf({ 'general.architecture': 'llama', 'general.name': 'Plain Llama', 'llama.context_length': 2048, 'llama.embedding_length': 16 }));
    const r = await weir('add', plain, '--task', 'embeddings');
    expect(r).toMatchObject({ code: 0, stderr: '', stdout: 'added plain-llama (embeddings, llama-cpp, 128 parameters, context 2K, 16 dimensions)\n' });
    expect((await weir('show', 'plain-llama')).stdout).toMatch(/^dimensions:\s+16$/m);

    const bert = path.join(tmp, 'tiny-bert.gguf');
    await writeFile(bert, tinyGguf({ 'general.architecture': 'bert', 'general.name': 'Tiny Bert', 'bert.context_length': 512, 'bert.embedding_length': 16, 'bert.pooling_type': 2 }));
    expect((await weir('add', bert)).stdout).toBe('added tiny-bert (embeddings, llama-cpp, 128 parameters, context 512, 16 dimensions)\n');
    expect(ids((await weir('search', '--task', 'embeddings', '--provider', 'llama-cpp')).stdout)).toEqual(['nomic-embed-text-v1.5', 'bge-small-en-v1.5-gguf', 'all-minilm-l6-v2-gguf', 'plain-llama', 'tiny-bert']);

    const painting = await weir('add', plain, '--task', 'painting', '--force');
    expect(painting.code).toBe(2);
    expect(painting.stderr).toBe('error: --task painting: expected one of chat-completion, text-generation, embeddings, extractive-qa\n');
    const extractive = await weir('add', plain, '--task', 'extractive-qa', '--force');
    expect(extractive.code).toBe(2);
    expect(extractive.stderr).toContain('a GGUF model can be registered for chat-completion, text-generation, embeddings, not extractive-qa');
  });

  it('refuses a file that is not GGUF with exit 2 and a one-line reason', async () => {
    const file = path.join(tmp, 'notes.gguf');
    await writeFile(file, 'just some text');
    const r = await weir('add', file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: ${file} is not a GGUF file: it starts with "just", not "GGUF" (weir models add takes a .gguf file or an ONNX model folder)\n`);
    expect((await weir('add', path.join(tmp, 'missing.gguf'))).stderr).toContain('no such file or folder');
  });
});

describe('weir models pull', () => {
  it('fails fast with the network message when the host cannot be reached', async () => {
    process.env.HF_ENDPOINT = 'https://weir-models.invalid';
    const r = await weir('pull', 'smollm2-135m-instruct');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: could not reach weir-models.invalid (its name does not resolve): weir models pull needs a network; register a file you already have with weir models add <path>\n');
    expect((await weir('pull', 'use-lite')).stderr).toContain('ships with Weir');
  });

  it('downloads into <data-dir>/models with a progress bar and registers the copy under the catalog id', async () => {
    const body = tinyGguf({ 'general.architecture': 'llama', 'general.name': 'SmolLM2 135M Instruct' });
    const server = createServer((req, res) => {
      if (req.url !== '/bartowski/SmolLM2-135M-Instruct-GGUF/resolve/main/SmolLM2-135M-Instruct-Q4_K_M.gguf') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env.HF_ENDPOINT = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const r = await weir('pull', 'smollm2-135m-instruct');
      expect(r.code).toBe(0);
      expect(r.stderr.split('\n')).toEqual(['smollm2-135m-instruct [....................]   0% 0.0/0.0 MB', 'smollm2-135m-instruct [####################] 100% 0.0/0.0 MB', '']);
      const dest = path.join(dataDir, 'models', 'SmolLM2-135M-Instruct-Q4_K_M.gguf');
      expect(r.stdout).toContain(`pulled smollm2-135m-instruct to ${dest}`);
      expect(existsSync(dest)).toBe(true);
      const show = await weir('show', 'smollm2-135m-instruct');
      expect(show.stdout).toContain(`local ${dest}`);
      expect(show.stdout).toMatch(/^labels:.*pulled/m);
      expect(show.stdout).toMatch(/^license:\s+Apache-2.0$/m);
      expect(ids((await weir('list')).stdout).filter((id) => id === 'smollm2-135m-instruct')).toHaveLength(1);
      expect((await weir('pull', 'smollm2-135m-instruct')).stdout).toBe(`smollm2-135m-instruct is already pulled: ${dest}\n`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
