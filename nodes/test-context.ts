import { WeirError } from '../engine/errors.ts';
import {
  joinChunks,
  type AnyNodeDefinition,
  type CheckEnv,
  type Connection,
  type LogLevel,
  type NodeContext,
  type Usage,
} from '../engine/node-definition.ts';

/**
 * A hand-made NodeContext for node tests. It is a fake on purpose: the engine's real run context is
 * being written in parallel, and node tests should not depend on the executor anyway. Keep it
 * faithful to the NodeContext contract (e.g. unknown connections throw `connection_not_found`).
 */
export interface TestContextOptions {
  signal?: AbortSignal;
  flowDir?: string;
  /** By name; `name` is filled in from the key. */
  connections?: Record<string, Omit<Connection, 'name'>>;
  runFlow?: NodeContext['runFlow'];
  /** Models the node may call (real loaded models in tests); absent = none. */
  model?: NodeContext['model'];
  /** Data index search (a real index in tests); absent = none. */
  searchIndex?: NodeContext['searchIndex'];
  node?: string;
  attempt?: number;
}

export interface TestContext extends NodeContext {
  readonly logs: { level: LogLevel; message: string; data?: unknown }[];
  readonly usage: Usage[];
  readonly flowCalls: { name: string; inputs: Record<string, unknown> }[];
}

export function makeContext(opts: TestContextOptions = {}): TestContext {
  const logs: TestContext['logs'] = [];
  const usage: Usage[] = [];
  const flowCalls: TestContext['flowCalls'] = [];
  const connections = opts.connections ?? {};
  const signal = opts.signal ?? new AbortController().signal;
  return {
    runId: 'test-run',
    node: opts.node ?? 'node_under_test',
    attempt: opts.attempt ?? 1,
    signal,
    throwIfAborted: () => signal.throwIfAborted(),
    flowDir: opts.flowDir,
    logs,
    usage,
    flowCalls,
    log: (level, message, data) => void logs.push({ level, message, data }),
    reportUsage: (u) => void usage.push(u),
    async connection(name) {
      const c = Object.hasOwn(connections, name) ? connections[name] : undefined;
      if (!c) throw new WeirError('connection_not_found', `connection "${name}" does not exist`, { status: 404 });
      return { name, ...c };
    },
    async model(ref) {
      if (opts.model) return opts.model(ref);
      throw new WeirError('model_not_found', `model ${JSON.stringify(ref)} not found`, { status: 404 });
    },
    async searchIndex(index, query, o) {
      if (opts.searchIndex) return opts.searchIndex(index, query, o);
      throw new WeirError('index_not_found', `data index "${index}" not found`, { status: 404 });
    },
    async runFlow(name, inputs) {
      flowCalls.push({ name, inputs });
      if (opts.runFlow) return opts.runFlow(name, inputs);
      return {};
    },
  };
}

/**
 * Does what the engine does with a node per run, in its order: parse the config, check, prepare,
 * run; streamed chunks are joined. Check problems fail loudly so a test can't run a bad config.
 */
export async function runNode(
  def: AnyNodeDefinition,
  rawConfig: unknown,
  inputs: Record<string, unknown>,
  ctx: NodeContext = makeContext(),
): Promise<unknown> {
  const config = def.config.parse(rawConfig);
  const env: CheckEnv = { flowDir: ctx.flowDir };
  const problems = def.check?.(config, env) ?? [];
  if (problems.length > 0) throw new Error(`check failed: ${problems.map((p) => p.message).join('; ')}`);
  const prepared = def.prepare?.(config, env);
  const out = await def.run(ctx, inputs, config, prepared);
  if (out !== null && typeof out === 'object' && Symbol.asyncIterator in out) {
    const chunks: unknown[] = [];
    for await (const chunk of out as AsyncIterable<unknown>) chunks.push(chunk);
    return joinChunks(chunks);
  }
  return out;
}

/** The error a promise rejects with; fails the test if it resolves instead. */
export async function failureOf(p: Promise<unknown>): Promise<WeirError> {
  const outcome = await p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  return outcome.error as WeirError;
}
