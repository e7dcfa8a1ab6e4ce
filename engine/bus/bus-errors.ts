import { WeirError } from '../errors.ts';

/**
 * Raised when the bus cannot reach what it shares state through (Redis down, unreachable or not
 * answering). Retryable: the same call may succeed once the connection is back. 503 because the
 * instance itself is fine and another attempt (or instance) may be served.
 */
export function busUnavailable(where: string, cause: unknown): WeirError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new WeirError('bus_unavailable', `the bus (${where}) is unavailable: ${reason}`, { cause, retryable: true, status: 503 });
}

export function busClosed(): WeirError {
  return new WeirError('closing', 'the bus is closed', { status: 503 });
}

/** Counters are integers everywhere (Redis INCRBY), so the memory bus refuses what Redis would. */
export function checkIncrement(by: number, ttlMs: number | undefined): void {
  if (!Number.isSafeInteger(by)) throw new WeirError('invalid_argument', `a counter is incremented by an integer, not ${by}`);
  if (ttlMs !== undefined) checkTtl(ttlMs);
}

export function checkTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new WeirError('invalid_argument', `a ttl is a positive whole number of milliseconds, not ${ttlMs}`);
  }
}
