import type { z } from 'zod';
import type { ProblemCode } from './error-codes.ts';
import type { LoadedModel } from './models/types.ts';

/** Token usage a node reports (an llm node later); summed per run. */
export interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  cost?: number;
}

/** Named settings + secrets for an outside service. Nodes get them through ctx, never from a store. */
export interface Connection {
  name: string;
  type: string;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What a retrieval node asks of a data index. */
export interface IndexQuery {
  k: number;
  mode: 'vector' | 'keyword' | 'hybrid';
  threshold?: number;
  /** Only chunks of these documents (file names). */
  sources?: string[];
  /** Only chunks of documents carrying any of these tags. */
  tags?: string[];
}

/** One retrieved chunk, with what a citation needs. */
export interface RetrievedChunk {
  id: number;
  score: number;
  text: string;
  source: string;
  title: string;
  heading_path: string[];
  page: number | null;
  start: number;
  end: number;
}

/** Which model a node calls: a model deployment by name, or a model behind an OpenAI-compatible connection. */
export type ModelRef = { deployment: string } | { connection: string; model: string };

/** What a node gets at run time: never the store, only what it needs. */
export interface NodeContext {
  readonly runId: string;
  /** The node instance name in the flow. */
  readonly node: string;
  /** 1 on the first try, 2 on the first retry … */
  readonly attempt: number;
  /**
   * Aborted on cancel, run deadline, node timeout or a failing sibling. Made on first use (an
   * AbortSignal costs microseconds): read it when handing it to something that waits (fetch,
   * a timer); for a quick check use `throwIfAborted()`.
   */
  readonly signal: AbortSignal;
  /** Throws the abort reason when the run or node was aborted; cheap. */
  throwIfAborted(): void;
  /** Folder of the flow file, for files beside it (templates); undefined for stored flows. */
  readonly flowDir?: string;
  log(level: LogLevel, message: string, data?: unknown): void;
  reportUsage(usage: Usage): void;
  /** Resolve a named connection; throws a WeirError `connection_not_found` when unknown. */
  connection(name: string): Promise<Connection>;
  /** A model ready to call (llm, embed nodes); throws `model_not_found` or `model_not_ready`. */
  model(ref: ModelRef): Promise<LoadedModel>;
  /** Searches a data index; throws `index_not_found` for an unknown one. */
  searchIndex(index: string, query: string | number[], opts: IndexQuery): Promise<RetrievedChunk[]>;
  /** Records a run metric (prompt flow's `log_metric`); a batch run's metrics include it. */
  logMetric(name: string, value: number): void;
  /** Run another flow by name with the given inputs and return its outputs. */
  runFlow(name: string, inputs: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** What validation hands a node's `check`: enough to look beside the flow file. */
export interface CheckEnv {
  flowDir?: string;
  /** Names of connections known to the host, when it knows them (undefined: don't check). */
  connections?: ReadonlySet<string>;
}

/** A problem a node's own `check` finds; the validator adds the node name and file path prefix. */
export interface CheckProblem {
  code: ProblemCode;
  message: string;
  /** Path under the node's `config`, e.g. ["template"]. */
  path?: (string | number)[];
}

/** A node instance's ports as JSON Schemas, worked out from its config (see `ports`). */
export interface NodePorts {
  inputs: Record<string, Record<string, unknown>>;
  /** Inputs that must be bound. */
  required: string[];
  /** Inputs beyond `inputs` are accepted (a Python `**kwargs`). */
  extra: boolean;
  /** The schema of `${node.output}`; absent: the definition's `output`. */
  output?: Record<string, unknown>;
}

export type InputShape = Record<string, z.ZodType>;
export type InputsOf<I extends InputShape> = { [K in keyof I]: z.output<I[K]> } & Record<string, unknown>;

/**
 * One node type. The engine reads only these declared properties; it never branches on `type`.
 * `C` is the config schema, `I` the input ports, `O` the output schema, `P` what `prepare` returns.
 */
export interface NodeDefinition<
  C extends z.ZodType = z.ZodType,
  I extends InputShape = InputShape,
  O extends z.ZodType = z.ZodType,
  P = unknown,
> {
  type: string;
  title: string;
  category: string;
  description: string;
  /** Named input ports; an optional zod schema means the port may be left unbound. */
  inputs: I;
  /** Schema for input names beyond `inputs` (e.g. template variables); absent = no others allowed. */
  extraInputs?: z.ZodType;
  /** The schema of `${node.output}`; references into it are type-checked against its shape. */
  output: O;
  config: C;
  /** `run` may return an AsyncIterable of chunks; consumers get the joined value. */
  streams?: boolean;
  /** Runs even when some inputs come from skipped nodes (they arrive as undefined). */
  acceptsSkippedInputs?: boolean;
  /**
   * Its output is its first input's value whenever that input has one (a coalesce): a flow output
   * bound to it streams the chunks of a streaming node bound to that first input, as they come.
   */
  passesFirstInput?: boolean;
  /**
   * Ports that depend on the config (a Python tool's signature, a response schema): when given, they
   * replace `inputs`/`extraInputs`/`output` for validation of this node instance.
   */
  ports?(config: z.output<C>): NodePorts;
  /**
   * Work done when a flow is published, off the validation path: a config to store instead (a Python
   * tool's signature read again from its code, so the stored ports match the code), or undefined when
   * nothing changes. A thrown WeirError refuses the publish with its message.
   */
  atPublish?(config: z.output<C>, env: CheckEnv): Promise<z.output<C> | undefined>;
  /** Flows this node runs, by name, so validation can detect sub-flow recursion. */
  flowDependencies?(config: z.output<C>): string[];
  /** Checks beyond the schema (a template file exists …), run at validation. */
  check?(config: z.output<C>, env: CheckEnv): CheckProblem[];
  /** Work done once per compiled plan (compile a template or an expression); passed to every run. */
  prepare?(config: z.output<C>, env: CheckEnv): P;
  run(
    ctx: NodeContext,
    inputs: InputsOf<I>,
    config: z.output<C>,
    prepared: P,
  ): z.output<O> | Promise<z.output<O>> | AsyncIterable<unknown>;
}

// A registry holds definitions of many shapes; `any` here is the honest type of "some node".
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyNodeDefinition = NodeDefinition<any, any, any, any>;

/** Identity function that keeps the generic types of a node file precise. */
export function defineNode<C extends z.ZodType, I extends InputShape, O extends z.ZodType, P = undefined>(
  def: NodeDefinition<C, I, O, P>,
): NodeDefinition<C, I, O, P> {
  return def;
}

/** Joins a streaming node's chunks into the value its consumers see. */
export function joinChunks(chunks: unknown[]): unknown {
  if (chunks.every((c) => typeof c === 'string')) return chunks.join('');
  return chunks;
}
