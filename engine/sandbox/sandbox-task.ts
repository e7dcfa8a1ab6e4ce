import { toErrorCode, type ErrorCode } from '../error-codes.ts';
import { WeirError } from '../errors.ts';

/** What a JSONata task carries to a sandbox worker: the expression's text and the values it reads. */
export interface JsonataPayload {
  source: string;
  input: unknown;
}

/**
 * One unit of work for a sandbox worker: a kind and a payload that survives structured cloning
 * (source text and input values, never a compiled object or a function). The worker dispatches on
 * `kind`; a new kind (the template engine's render) is one more member here and one more handler in
 * sandbox-worker.ts.
 */
export type SandboxTask = { kind: 'jsonata'; payload: JsonataPayload } | { kind: 'template'; payload: TemplatePayload };

/** What a template render carries: its text, the text of each file it includes, and its variables. */
export interface TemplatePayload {
  source: string;
  files: Readonly<Record<string, string>>;
  vars: Record<string, unknown>;
}

/**
 * A task as posted: with the moment its budget ends, in Date.now() ms (the clock threads share;
 * `performance.now()` has a different origin in each thread). A kind that can stop itself there
 * (a template render's deadline) answers with the failure code `sandbox_timeout`, which keeps its
 * thread; otherwise the main thread ends the thread at the same moment.
 */
export type PostedTask = SandboxTask & { deadline: number };

/**
 * A failure that crosses the thread boundary as data (structured cloning keeps only an Error's
 * message and name, and JSONata throws plain objects). `fields` carries a kind's extra facts, e.g.
 * a template budget's `limit`.
 */
export interface SandboxFailure {
  code: ErrorCode;
  message: string;
  path?: (string | number)[];
  fields?: Record<string, string | number>;
  cause?: { message: string; code?: string; position?: number; token?: string };
}

export type SandboxOutcome = { ok: true; value: unknown } | { ok: false; failure: SandboxFailure };

/**
 * Thrown by an in-process attempt whose slice ran out (steps, time or size): not a failure, a signal
 * to run the same task on a sandbox worker with the rest of the budget.
 */
export class SliceExhausted extends Error {
  constructor(readonly why: string) {
    super(`in-process slice ran out: ${why}`);
    this.name = 'SliceExhausted';
  }
}

/** Rebuilds the WeirError a worker described, with the same code, message and cause as in-process. */
export function failureError(f: SandboxFailure): WeirError {
  const cause = f.cause ? Object.assign(new Error(f.cause.message), f.cause) : undefined;
  // Posted by a worker thread, so untyped data here: checked rather than trusted.
  const err = new WeirError(toErrorCode(f.code, 'sandbox_failed'), f.message, { path: f.path, cause });
  return f.fields ? Object.assign(err, f.fields) : err;
}
