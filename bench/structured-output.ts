/**
 * The cost of the grammar: tokens/s of schema-constrained generation (response_format json_schema,
 * and a required tool call) against unconstrained generation, same model, same run, rounds
 * alternating so a slower spell of this shared machine hits every side alike. Through the
 * llama-cpp provider (what a deployment runs), on the tiny random-weight llama: no trained GGUF is
 * obtainable offline, and a tiny model makes the per-token cost of the grammar *more* visible than
 * a real one would. Prints JSON lines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { llamaCppProvider } from '../engine/models/providers/llama-cpp.ts';
import { defaultThreads } from '../engine/models/threads.ts';
import type { GenerateOptions, LoadedModel, ModelEntry } from '../engine/models/types.ts';
import { writeTinyLlamaGguf } from '../test/helpers/tiny-gguf.ts';
import { machine } from './lib/weir-process.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 256);
const MESSAGES = [{ role: 'user' as const, content: 'Tell me about the river and the stone.' }];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const print = (line: Record<string, unknown>) => console.log(JSON.stringify({ ...line, machine }));

/** Long enough to take most of the token budget; bounded, so the grammar, not max_tokens, ends it. */
const SCHEMA = {
  type: 'object',
  properties: {
    title: { type: 'string', maxLength: 40 },
    year: { type: 'integer' },
    kind: { type: 'string', enum: ['river', 'lake', 'sea'] },
    notes: { type: 'array', maxItems: 12, items: { type: 'object', properties: { text: { type: 'string', maxLength: 40 }, score: { type: 'number' } } } },
  },
  required: ['title', 'year', 'kind', 'notes'],
};
const TOOL = { name: 'record_notes', description: 'Keep notes', parameters: SCHEMA };

const sides: Record<string, GenerateOptions> = {
  unconstrained: {},
  json_schema: { responseFormat: { type: 'json_schema', name: 'notes', schema: SCHEMA, strict: true } },
  tool_required: { tools: [TOOL], toolChoice: 'required' },
};

async function once(model: LoadedModel, opts: GenerateOptions): Promise<{ tps: number; tokens: number; finish: string }> {
  const t = performance.now();
  let done: { usage: { completion_tokens: number }; finishReason: string } | undefined;
  for await (const e of model.chat!(MESSAGES, { temperature: 0.8, seed: 3, maxTokens: TOKENS, ...opts })) if (e.type === 'done') done = e;
  const s = (performance.now() - t) / 1000;
  return { tps: done!.usage.completion_tokens / s, tokens: done!.usage.completion_tokens, finish: done!.finishReason };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-bench-structured-'));
try {
  const gguf = await writeTinyLlamaGguf(path.join(dir, 'tiny.gguf'));
  const entry: ModelEntry = {
    id: 'tiny', name: 'tiny', publisher: 'bench', task: 'chat-completion', provider: 'llama-cpp', format: 'gguf', license: 'apache-2.0',
    parameters: null, contextLength: 2048, fileSizeBytes: null, source: { kind: 'local', path: gguf.file }, price: null, description: '', labels: [],
  };
  const model = await llamaCppProvider.load(entry, { threads: defaultThreads() });
  try {
    for (const opts of Object.values(sides)) await once(model, opts); // warm-up
    const runs: Record<string, { tps: number; tokens: number; finish: string }[]> = {};
    for (let r = 0; r < ROUNDS; r++) for (const [name, opts] of Object.entries(sides)) (runs[name] ??= []).push(await once(model, opts));
    const base = median(runs.unconstrained.map((x) => x.tps));
    for (const [name, rs] of Object.entries(runs)) {
      const tps = median(rs.map((x) => x.tps));
      print({
        target: 'gguf-structured-output', side: name, model: 'tiny random llama (2 layers, 64-d; the only GGUF obtainable offline)',
        max_tokens: TOKENS, rounds: ROUNDS, threads: defaultThreads(),
        tokens_per_s: Math.round(tps), vs_unconstrained: +(tps / base).toFixed(3),
        median_completion_tokens: median(rs.map((x) => x.tokens)), finish_reasons: [...new Set(rs.map((x) => x.finish))],
      });
    }
  } finally {
    await model.dispose();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
