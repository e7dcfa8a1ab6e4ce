import { WeirError } from '../../../engine/errors.ts';
import {
  joinChunks,
  type AnyNodeDefinition,
  type CheckEnv,
  type Connection,
  type LogLevel,
  type NodeContext,
  type Usage,
} from '../../../engine/node-definition.ts';
import { RunNodeContext, type RunHost } from '../../../engine/run/node-context.ts';

/**
 * What a node test puts behind the engine's real run context (RunNodeContext, the one the executor
 * gives every node): the host's parts a node reaches through it. These stay hand-made because the
 * real ones belong to `weir serve` (the connection store with its secrets, deployed models, data
 * indexes, the flow library) and a node test should not start a server to get them; each behaves
 * as the server's does where a node can tell (an unknown connection is `connection_not_found`).
 */
export interface TestContextOptions {
  signal?: AbortSignal;
  flowDir?: string;
  /** By name; `name` is filled in from the key. Absent = a host without connections. */
  connections?: Record<string, Omit<Connection, 'name'>>;
  /** Runs a sub-flow; absent = every sub-flow returns no outputs (calls are still recorded). */
  runFlow?: NodeContext['runFlow'];
  /** Models the node may call (real loaded models in tests); absent = none. */
  model?: NodeContext['model'];
  /** Data index search (a real index in tests); absent = none. */
  searchIndex?: NodeContext['searchIndex'];
  node?: string;
  attempt?: number;
}

/** The real context, plus what the node did through it, for the test to look at. */
export interface TestContext extends NodeContext {
  readonly logs: { level: LogLevel; message: string; data?: unknown }[];
  readonly usage: Usage[];
  readonly flowCalls: { name: string; inputs: Record<string, unknown> }[];
}

/** A RunNodeContext (the engine's own) on a test host that records logs, usage and sub-flow calls. */
export function makeContext(opts: TestContextOptions = {}): TestContext {
  const logs: TestContext['logs'] = [];
  const usage: Usage[] = [];
  const flowCalls: TestContext['flowCalls'] = [];
  const connections = opts.connections;
  const host: RunHost = {
    log: ({ level, message, data }) => void logs.push({ level, message, data }),
    connection: connections
      ? async (name) => {
          const c = Object.hasOwn(connections, name) ? connections[name] : undefined;
          if (!c) throw new WeirError('connection_not_found', `connection "${name}" does not exist`, { status: 404 });
          return { name, ...c };
        }
      : undefined,
    model: opts.model,
    searchIndex: opts.searchIndex,
    async runFlow(name, inputs) {
      flowCalls.push({ name, inputs });
      return { outputs: opts.runFlow ? await opts.runFlow(name, inputs) : {}, usage: {} };
    },
  };
  const ctx = new RunNodeContext('test-run', opts.node ?? 'node_under_test', opts.attempt ?? 1, opts.signal ?? new AbortController().signal, opts.flowDir, host, (u) => void usage.push(u));
  return Object.assign(ctx, { logs, usage, flowCalls });
}

/**
 * Does what the engine does with a node per run, in its order: parse the config, check, prepare,
 * run; streamed chunks are joined. Check problems fail loudly so a test can't run a bad config.
 * The executor spreads these steps over compiling a flow and running it; a node test calls one
 * node with literal inputs and no flow around it, so this does the same steps directly.
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
