/**
 * Model serving overhead. Embeddings: the default embedder (USE lite) through /v1/embeddings vs
 * the library called directly, at batch 1 and 32. GGUF chat: tokens/s and time to first token
 * streamed through /v1/chat/completions vs node-llama-cpp directly, on a tiny random-weight llama
 * (no trained GGUF is obtainable offline; a tiny model makes per-token overhead *more* visible).
 * `weir serve` runs as a child process, as users start it. Prints JSON lines.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getLlama, LlamaChatSession } from 'node-llama-cpp';
import { embedInThread } from '../engine/models/providers/use-lite-thread.ts';
import { defaultThreads } from '../engine/models/threads.ts';
import { writeTinyLlamaGguf } from '../test/helpers/tiny-gguf.ts';
import { adminClient, machine, ROOT, startChild } from './lib/weir-process.ts';

const ADMIN = 'bench-admin-token';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 256);
const SENTENCES = Array.from({ length: 256 }, (_, i) => `Sentence number ${i} talks about topic ${i % 17} and a few other words.`);
const PROMPT = 'Tell me a long story about a river.';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const print = (line: Record<string, unknown>) => console.log(JSON.stringify({ ...line, machine }));

/** Sentences/s of one pass over SENTENCES in batches of `batch`. */
async function pass(embed: (batch: string[]) => Promise<unknown>, batch: number): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < SENTENCES.length; i += batch) await embed(SENTENCES.slice(i, i + batch));
  return SENTENCES.length / ((performance.now() - t) / 1000);
}

async function benchEmbeddings(url: string, key: string) {
  // The library on this thread (the server's provider runs it in a compute thread: that hop is measured).
  const lib = { embed: (texts: string[]) => embedInThread(texts), dispose: async () => {} };
  const post = (input: string[]) =>
    fetch(`${url}/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'embed', input, encoding_format: 'base64' }) });
  // base64 is what the official OpenAI SDKs ask for by default; the vectors are decoded here as
  // the SDK does, so the client's work is counted.
  const api = async (input: string[]) => {
    // The direct runs block this process for seconds, so the server may close the idle keep-alive
    // socket before we notice; a request that hits such a stale socket is sent again once.
    const res = await post(input).catch((err) => (err?.cause?.code === 'UND_ERR_SOCKET' ? post(input) : Promise.reject(err)));
    if (res.status !== 200) throw new Error(`embeddings: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { data: { embedding: string }[] };
    return body.data.map((d) => new Float32Array(Buffer.from(d.embedding, 'base64').buffer.slice(0)));
  };
  await lib.embed!(SENTENCES.slice(0, 64));
  await api(SENTENCES.slice(0, 64));
  const out: Record<number, { direct: number; api: number }> = {};
  for (const batch of [1, 32]) {
    // Rounds alternate, so a slower spell of this shared machine hits both sides alike.
    const d: number[] = [];
    const a: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      d.push(await pass((b) => lib.embed!(b), batch));
      a.push(await pass(api, batch));
    }
    const direct = median(d);
    const viaApi = median(a);
    out[batch] = { direct, api: viaApi };
    print({ target: 'embeddings', model: 'use-lite', batch, direct_per_s: Math.round(direct), api_per_s: Math.round(viaApi), api_vs_direct: +(viaApi / direct).toFixed(3) });
  }
  print({ target: 'embeddings-batching', api_gain_32_vs_1: +(out[32].api / out[1].api).toFixed(2), direct_gain_32_vs_1: +(out[32].direct / out[1].direct).toFixed(2) });
  await lib.dispose();
}

/** node-llama-cpp on its own: the ceiling the server is measured against. */
async function directGguf(file: string) {
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' as never });
  const model = await llama.loadModel({ modelPath: file });
  const context = await model.createContext({ contextSize: 2048, threads: defaultThreads() });
  const runs: { ttft: number; tps: number }[] = [];
  for (let r = 0; r <= ROUNDS; r++) {
    const sequence = context.getSequence();
    const session = new LlamaChatSession({ contextSequence: sequence });
    let first = 0;
    let tokens = 0;
    const t = performance.now();
    await session.prompt(PROMPT, { maxTokens: TOKENS, temperature: 0, onToken: (ts) => ((tokens += ts.length), (first ||= performance.now())) });
    const total = (performance.now() - t) / 1000;
    session.dispose();
    sequence.dispose();
    if (r > 0) runs.push({ ttft: first - t, tps: tokens / total }); // round 0 warms up
  }
  await context.dispose();
  await model.dispose();
  return { ttft: median(runs.map((x) => x.ttft)), tps: median(runs.map((x) => x.tps)) };
}

async function apiGguf(url: string, key: string) {
  const runs: { ttft: number; tps: number }[] = [];
  for (let r = 0; r <= ROUNDS; r++) {
    const t = performance.now();
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: PROMPT }], max_tokens: TOKENS, temperature: 0, stream: true, stream_options: { include_usage: true } }),
    });
    if (res.status !== 200 || !res.body) throw new Error(`chat: ${res.status} ${await res.text()}`);
    let first = 0;
    let usage: { completion_tokens: number } | undefined;
    let buf = '';
    for await (const bytes of res.body) {
      buf += Buffer.from(bytes).toString('utf8');
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const data = buf.slice(0, i).replace(/^data: /, '');
        buf = buf.slice(i + 2);
        if (data === '[DONE]') continue;
        const chunk = JSON.parse(data);
        if (!first && chunk.choices?.[0]?.delta?.content) first = performance.now();
        if (chunk.usage) usage = chunk.usage;
      }
    }
    const total = (performance.now() - t) / 1000;
    if (r > 0) runs.push({ ttft: first - t, tps: usage!.completion_tokens / total });
  }
  return { ttft: median(runs.map((x) => x.ttft)), tps: median(runs.map((x) => x.tps)) };
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'weir-bench-models-'));
const gguf = path.join(dataDir, 'tiny.gguf');
await writeTinyLlamaGguf(gguf);
execFileSync(process.execPath, ['bin/weir.js', 'models', 'add', gguf, '--name', 'tiny', '--data-dir', dataDir], { cwd: ROOT });
const weir = await startChild(['bin/weir.js', 'serve', '--port', '0', '--data-dir', dataDir], { WEIR_ADMIN_TOKEN: ADMIN });
try {
  const admin = adminClient(weir.url, ADMIN);
  for (const [name, model] of [['embed', 'use-lite'], ['tiny', 'tiny']]) {
    await admin('POST', '/api/deployments', { name, model });
    while ((await admin('GET', `/api/deployments/${name}`)).state === 'loading') await new Promise((r) => setTimeout(r, 50));
  }
  const embedKey = (await admin('POST', '/api/deployments/embed/keys', {})).key as string;
  const tinyKey = (await admin('POST', '/api/deployments/tiny/keys', {})).key as string;
  await benchEmbeddings(weir.url, embedKey);
  const api = await apiGguf(weir.url, tinyKey);
  const direct = await directGguf(gguf);
  print({
    target: 'gguf-chat-stream', model: 'tiny random llama (2 layers, 64-d)', max_tokens: TOKENS, threads: defaultThreads(),
    direct_tokens_per_s: Math.round(direct.tps), api_tokens_per_s: Math.round(api.tps), api_vs_direct: +(api.tps / direct.tps).toFixed(3),
    direct_ttft_ms: +direct.ttft.toFixed(2), api_ttft_ms: +api.ttft.toFixed(2), ttft_overhead_ms: +(api.ttft - direct.ttft).toFixed(2),
  });
} finally {
  await weir.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
