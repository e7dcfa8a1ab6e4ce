/**
 * What a compute worker hands back: its value, or its error as data. Structured clone keeps only an
 * Error's name and message, so a WeirError's code, status and path would be lost on the way.
 */
import type { ErrorCode } from '../../error-codes.ts';
import { WeirError } from '../../errors.ts';

/** A failure as it crosses the thread boundary. */
export interface ErrorData {
  code: ErrorCode;
  message: string;
  status: number;
  path?: (string | number)[];
}

/** What a worker function returns: its value, or its error as data. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

export function errorData(err: unknown): ErrorData {
  if (err instanceof WeirError) return { code: err.code, message: err.message, status: err.status, ...(err.path ? { path: err.path } : {}) };
  return { code: 'compute_failed', message: err instanceof Error ? err.message : String(err), status: 500 };
}
