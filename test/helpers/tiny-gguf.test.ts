import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyLlamaGguf } from './tiny-gguf.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-tiny-gguf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeTinyLlamaGguf', () => {
  it('writes a GGUF v3 file an independent reader parses as a llama model', async () => {
    const out = await writeTinyLlamaGguf(join(dir, 'a.gguf'), { seed: 5, contextLength: 1024 });
    const info = await readGgufFileInfo(out.file, { readTensorInfo: true });
    expect(info.version).toBe(3);
    const meta = info.metadata;
    expect(meta.general.architecture).toBe('llama');
    expect(meta.general.license).toBe('apache-2.0');
    expect(meta.llama).toMatchObject({ context_length: 1024, embedding_length: 64, block_count: 2 });
    expect(meta.tokenizer.ggml.model).toBe('llama');
    expect(meta.tokenizer.ggml.tokens).toHaveLength(out.vocabSize);
    expect(meta.tokenizer.chat_template).toContain('<|im_start|>');
    // token_embd, output_norm, output, and 9 tensors per block.
    expect(info.tensorInfo).toHaveLength(3 + 9 * out.blockCount);
  });

  it('is deterministic from the seed', async () => {
    const a = await writeTinyLlamaGguf(join(dir, 's1.gguf'), { seed: 9 });
    const b = await writeTinyLlamaGguf(join(dir, 's2.gguf'), { seed: 9 });
    const c = await writeTinyLlamaGguf(join(dir, 's3.gguf'), { seed: 10 });
    const [ba, bb, bc] = await Promise.all([a, b, c].map((x) => readFile(x.file)));
    expect(ba.equals(bb)).toBe(true);
    expect(ba.equals(bc)).toBe(false);
  });
});
