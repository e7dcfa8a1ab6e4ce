/** Shapes of the server's answers the studio reads (see the README's API table). */
export type JsonSchema = Record<string, unknown>;

export interface NodeTypeInfo {
  type: string;
  title: string;
  category: string;
  description?: string;
  /** Declared inputs and their JSON Schemas. */
  inputs: Record<string, JsonSchema>;
  required_inputs: string[];
  /** Set when the node takes inputs of any name (templates, expressions): their schema. */
  extra_inputs: JsonSchema | null;
  output: JsonSchema;
  config: JsonSchema;
  streams: boolean;
  accepts_skipped_inputs: boolean;
}

export type FlowInputType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'list' | 'chat_history' | 'any';

export interface FlowInputDoc {
  type?: FlowInputType;
  default?: unknown;
  description?: string;
  optional?: boolean;
  /** Prompt flow's chat markers: the input a chat message goes to, and the one its turns so far go to. */
  is_chat_input?: boolean;
  is_chat_history?: boolean;
}

export type FlowOutputDoc = string | { reference: string; type?: FlowInputType; description?: string; is_chat_output?: boolean };

export interface FlowNodeDoc {
  name: string;
  type: string;
  description?: string;
  inputs?: Record<string, unknown>;
  config?: Record<string, unknown>;
  activate?: { when: unknown; is: unknown };
  retry?: { max_attempts: number; backoff?: number | string; max_backoff?: number | string; multiplier?: number; jitter?: boolean };
  timeout?: number | string;
  on_error?: 'fail' | 'continue';
  map?: { over: string; concurrency?: number; max_items?: number };
}

/** A flow file (`weir: 1`) as JSON. */
export interface FlowDoc {
  weir: 1;
  name: string;
  description?: string;
  inputs?: Record<string, FlowInputDoc>;
  outputs?: Record<string, FlowOutputDoc>;
  nodes: FlowNodeDoc[];
  layout?: Record<string, [number, number]>;
}

export interface Problem {
  code: string;
  message: string;
  node?: string;
  path?: (string | number)[];
  line?: number;
  col?: number;
}

export interface FlowRecord {
  name: string;
  format: 'yaml' | 'json';
  definition: FlowDoc;
  source: string;
  /** The draft's tag: sent back as If-Match, a save over a newer save is refused (412). */
  etag?: string;
  problems: Problem[];
  valid: boolean;
  created_at: string;
  updated_at: string;
}

export interface FlowSummary {
  name: string;
  updated_at: string;
  versions: number;
}

export interface FlowVersion {
  flow: string;
  version: number;
  hash: string;
  message: string;
  author: string;
  created_at: string;
}

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
export type NodeRunStatus = 'queued' | 'running' | 'succeeded' | 'skipped' | 'failed' | 'cancelled';

export interface ApiErrorBody {
  code: string;
  message: string;
  node?: string;
  path?: (string | number)[];
}

export interface TraceEntry {
  node: string;
  type: string;
  status: NodeRunStatus | 'pending';
  attempts: number;
  start_ms?: number;
  end_ms?: number;
  duration_ms?: number;
  inputs?: Record<string, unknown>;
  output?: unknown;
  error?: ApiErrorBody | null;
  usage?: Record<string, number>;
  skip_reason?: string | null;
}

export interface RunSummary {
  id: string;
  flow: string;
  version: number | null;
  deployment: string | null;
  mode: string;
  status: RunStatus;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown> | null;
  error: ApiErrorBody | null;
  usage: Record<string, number>;
  started_at: string;
  ended_at: string | null;
  duration_ms: number | null;
}

export interface RunDetail extends RunSummary {
  trace: TraceEntry[];
}

export interface Page<T> {
  data: T[];
  next?: Record<string, string> | null;
}
