import type { ErrorCode, ProblemCode } from './error-codes.ts';

/**
 * Every error Weir raises on purpose is a WeirError: a stable `code`, the node and the path in the
 * flow file where it applies, and the original `cause`. The HTTP layer (later) maps `status` to a
 * response; the CLI prints `message` as one line. Anything that is not a WeirError is a bug.
 */
export interface ErrorPlace {
  node?: string;
  /** Path inside the flow file, e.g. ["nodes", 2, "config", "url"]. */
  path?: (string | number)[];
}

export class WeirError extends Error {
  readonly code: ErrorCode;
  readonly node?: string;
  readonly path?: (string | number)[];
  /** Whether trying the same thing again may succeed (used by node retry). */
  readonly retryable: boolean;
  /** HTTP status that fits, for the API layer. */
  readonly status: number;

  constructor(
    code: ErrorCode,
    message: string,
    opts: ErrorPlace & { cause?: unknown; retryable?: boolean; status?: number } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.node = opts.node;
    this.path = opts.path;
    this.retryable = opts.retryable ?? false;
    this.status = opts.status ?? 400;
  }

  toJSON(): SerializedError {
    return serializeError(this);
  }
}

/**
 * An error as data. Its code is a plain string on purpose: this form crosses threads, processes and
 * Weir versions (run rows in the store, events on the bus from other instances), so a code read from
 * it is a claim, not an ErrorCode; `toErrorCode` (error-codes.ts) checks it before it is raised again.
 */
export interface SerializedError {
  code: string;
  message: string;
  node?: string;
  path?: (string | number)[];
  cause?: SerializedError;
}

/** One problem found while validating a flow. */
export interface Problem {
  code: ProblemCode;
  message: string;
  node?: string;
  path: (string | number)[];
  /** 1-based line/column in the source file when the parser knows them. */
  line?: number;
  col?: number;
  /** Warnings are reported but do not stop a flow from running; absent means error. */
  severity?: 'error' | 'warning';
}

export class FlowValidationError extends WeirError {
  readonly problems: Problem[];
  constructor(problems: Problem[], flowName?: string) {
    const head = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    super(
      'invalid_flow',
      `flow${flowName ? ` "${flowName}"` : ''} is invalid: ${head?.message ?? 'unknown problem'}${more}`,
      { node: head?.node, path: head?.path, status: 422 },
    );
    this.problems = problems;
  }
}

/** A node's run failed; carries the node and keeps the node's own error as cause. */
export class NodeFailedError extends WeirError {
  constructor(node: string, cause: unknown) {
    const inner = cause instanceof Error ? cause.message : String(cause);
    super(cause instanceof WeirError ? cause.code : 'node_failed', `node "${node}" failed: ${inner}`, {
      node,
      cause,
      retryable: cause instanceof WeirError ? cause.retryable : false,
      status: 500,
    });
  }
}

export class NodeTimeoutError extends WeirError {
  constructor(node: string, ms: number) {
    super('node_timeout', `node "${node}" timed out after ${ms} ms`, { node, retryable: true, status: 504 });
  }
}

export class RunCancelledError extends WeirError {
  constructor(reason = 'the run was cancelled') {
    super('run_cancelled', reason, { status: 499 });
  }
}

export class RunDeadlineError extends WeirError {
  constructor(ms: number) {
    super('run_deadline_exceeded', `the run did not finish within its deadline of ${ms} ms`, { status: 504 });
  }
}

export class InputError extends WeirError {
  constructor(message: string, opts: ErrorPlace & { cause?: unknown } = {}) {
    super('invalid_input', message, { ...opts, status: 400 });
  }
}

export function isCancellation(err: unknown): boolean {
  return err instanceof RunCancelledError || err instanceof RunDeadlineError;
}

export function serializeError(err: unknown, depth = 0): SerializedError {
  if (err instanceof WeirError) {
    const out: SerializedError = { code: err.code, message: err.message };
    if (err.node !== undefined) out.node = err.node;
    if (err.path !== undefined) out.path = err.path;
    if (err.cause !== undefined && depth < 4) out.cause = serializeError(err.cause, depth + 1);
    return out;
  }
  if (err instanceof Error) {
    const out: SerializedError = { code: err.name === 'AbortError' ? 'aborted' : 'error', message: err.message };
    if (err.cause !== undefined && depth < 4) out.cause = serializeError(err.cause, depth + 1);
    return out;
  }
  return { code: 'error', message: String(err) };
}
