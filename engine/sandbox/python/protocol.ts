/** The JSON-lines messages between Weir and a Python worker (weir_runner.py speaks the other side). */

/** First line to a worker: where things are and what it may do. */
export interface InitMessage {
  runtime_dir: string;
  stand_in: string;
  code_dir: string;
  site_packages: string[];
  /** Paths the audit hook refuses to open (Weir's data folder, the master key). */
  denied: string[];
  cpu_seconds: number;
  /** RLIMIT_CPU's hard limit over the worker's life; past it the kernel kills it. */
  cpu_hard_seconds: number;
  memory_bytes: number;
  max_message_bytes: number;
}

/** A connection as the stand-in builds its prompt flow class from. */
export interface WireConnection {
  class: 'AzureOpenAIConnection' | 'OpenAIConnection' | 'CustomConnection' | string;
  name: string;
  type: string;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
}

export interface CallMessage {
  type: 'call';
  id: number;
  module: string;
  function: string;
  kwargs: Record<string, unknown>;
  connections: Record<string, WireConnection>;
}

export interface ErrorWhere {
  file: string;
  line: number;
}

export type WorkerMessage =
  | { type: 'ready'; pid: number; python: string }
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  | { type: 'metric'; id: number; name: string; value: number }
  | { type: 'chunk'; id: number; value: unknown }
  | { type: 'result'; id: number; value: unknown; streamed: boolean; cpu: number }
  | {
      type: 'error';
      id?: number;
      /** import: while importing the tool's module; call: raised by the tool; memory, too_large, not_found: the runner's own. */
      kind: 'import' | 'call' | 'memory' | 'too_large' | 'not_found';
      error_type: string;
      message: string;
      traceback: string;
      where?: ErrorWhere;
      /** For an ImportError: the module that was not found. */
      module?: string;
      /** The worker exits after this error (out of memory, the tool called sys.exit). */
      exiting?: boolean;
    };

export type WorkerError = Extract<WorkerMessage, { type: 'error' }>;

/** 16 MiB: a message (a call's inputs, a result, a chunk) larger than this is refused with a clear error. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * Splits a byte stream into lines; a line longer than `max` calls `tooLong` (once) instead of
 * growing without end.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private over = false;

  constructor(
    private readonly max: number,
    private readonly onLine: (line: string) => void,
    private readonly tooLong: (size: number) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      this.take(chunk.subarray(start, nl));
      if (!this.over) this.onLine(Buffer.concat(this.parts, this.size).toString('utf8'));
      this.parts = [];
      this.size = 0;
      this.over = false;
      start = nl + 1;
    }
    if (start < chunk.length) this.take(chunk.subarray(start));
  }

  private take(part: Buffer): void {
    if (this.over) return;
    this.size += part.length;
    if (this.size > this.max) {
      this.over = true;
      this.parts = [];
      this.tooLong(this.size);
      return;
    }
    this.parts.push(part);
  }
}
