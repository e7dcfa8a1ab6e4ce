/**
 * Node types that exist only for tests: they wait, fail on purpose, stream and record what they
 * saw, so the executor's timing, retry, cancel and streaming behaviour can be observed exactly.
 */
import { z } from 'zod';
import type { ErrorCode } from '../../engine/error-codes.ts';
import { WeirError } from '../../engine/errors.ts';
import { defineNode, type AnyNodeDefinition } from '../../engine/node-definition.ts';
import { NodeRegistry } from '../../engine/registry.ts';

export const probe = {
  running: 0,
  maxRunning: 0,
  aborted: [] as string[],
  attempts: new Map<string, number>(),
  reset() {
    this.running = 0;
    this.maxRunning = 0;
    this.aborted = [];
    this.attempts.clear();
  },
};

function abortable(ms: number, signal: AbortSignal, node: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      probe.aborted.push(node);
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export const passNode = defineNode({
  type: 'pass', title: 'Pass', category: 'test', description: 'returns its value input',
  inputs: { value: z.any() }, extraInputs: z.any(), output: z.any(), config: z.object({}).strict(),
  run: (_ctx, inputs) => inputs.value,
});

export const waitNode = defineNode({
  type: 'wait', title: 'Wait', category: 'test', description: 'waits ms then returns value',
  inputs: { value: z.any(), ms: z.number().optional() }, extraInputs: z.any(), output: z.any(),
  config: z.object({ ms: z.number().default(50), ignore_abort: z.boolean().default(false) }).strict(),
  run: async (ctx, inputs, config) => {
    probe.running++;
    probe.maxRunning = Math.max(probe.maxRunning, probe.running);
    try {
      const ms = inputs.ms ?? config.ms;
      if (config.ignore_abort) await new Promise((r) => setTimeout(r, ms));
      else await abortable(ms, ctx.signal, ctx.node);
      return inputs.value;
    } finally {
      probe.running--;
    }
  },
});

export const flakyNode = defineNode({
  type: 'flaky', title: 'Flaky', category: 'test', description: 'fails its first `failures` attempts',
  inputs: { value: z.any() }, output: z.any(),
  config: z.object({ failures: z.number().int(), retryable: z.boolean().default(true) }).strict(),
  run: (ctx, inputs, config) => {
    const key = `${ctx.runId}/${ctx.node}`;
    const n = (probe.attempts.get(key) ?? 0) + 1;
    probe.attempts.set(key, n);
    if (n <= config.failures) throw new WeirError('flaky' as ErrorCode, `attempt ${n} fails on purpose`, { retryable: config.retryable });
    return { value: inputs.value, attempt: ctx.attempt };
  },
});

export const boomNode = defineNode({
  type: 'boom', title: 'Boom', category: 'test', description: 'fails after ms',
  inputs: {}, extraInputs: z.any(), output: z.object({ never: z.string() }),
  config: z.object({ ms: z.number().default(0) }).strict(),
  run: async (ctx, _inputs, config) => {
    if (config.ms) await abortable(config.ms, ctx.signal, ctx.node);
    // Test-only codes ('boom', 'flaky'), outside the catalog on purpose: a test can tell them from any Weir error.
    throw new WeirError('boom' as ErrorCode, 'exploded on purpose', { cause: new Error('root cause') });
  },
});

export const streamNode = defineNode({
  type: 'stream', title: 'Stream', category: 'test', description: 'yields words with a delay', streams: true,
  inputs: { text: z.string() }, output: z.string(),
  config: z.object({ delay_ms: z.number().default(10) }).strict(),
  async *run(ctx, inputs, config) {
    for (const word of inputs.text.split(' ')) {
      await abortable(config.delay_ms, ctx.signal, ctx.node);
      yield word + ' ';
    }
  },
});

export const usageNode = defineNode({
  type: 'usage', title: 'Usage', category: 'test', description: 'reports token usage',
  inputs: {}, extraInputs: z.any(), output: z.object({ ok: z.boolean() }),
  config: z.object({ prompt: z.number(), completion: z.number() }).strict(),
  run: (ctx, _i, config) => {
    ctx.reportUsage({ prompt_tokens: config.prompt, completion_tokens: config.completion });
    return { ok: true };
  },
});

export const typedNode = defineNode({
  type: 'typed', title: 'Typed', category: 'test', description: 'has typed ports',
  inputs: { text: z.string(), count: z.number().optional() },
  output: z.object({ text: z.string(), items: z.array(z.object({ id: z.number() })), meta: z.record(z.string(), z.any()) }),
  config: z.object({ mode: z.enum(['a', 'b']).default('a') }).strict(),
  run: (_ctx, inputs) => ({ text: inputs.text, items: [{ id: inputs.count ?? 1 }], meta: {} }),
});

export const testNodes: AnyNodeDefinition[] = [passNode, waitNode, flakyNode, boomNode, streamNode, usageNode, typedNode];

export function testRegistry(extra: AnyNodeDefinition[] = []): NodeRegistry {
  return new NodeRegistry([...testNodes, ...extra]);
}

/** A coalesce for engine tests, independent of the built-in one in nodes/. */
export const coalesceTestNode = defineNode({
  type: 'coalesce_t', title: 'Coalesce', category: 'test', description: 'first present input', acceptsSkippedInputs: true,
  inputs: {}, extraInputs: z.any(), output: z.any(), config: z.object({}).strict(),
  run: (_ctx, inputs) => Object.values(inputs).find((v) => v !== undefined && v !== null) ?? null,
});
testNodes.push(coalesceTestNode);
