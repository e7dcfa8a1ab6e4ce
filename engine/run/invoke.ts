import { NodeTimeoutError, WeirError } from '../errors.ts';
import type { RetryPolicy } from '../flow/compile.ts';
import { joinChunks } from '../node-definition.ts';

export function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function';
}

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}

/** Reads a node's chunks, handing each to `onChunk`, and returns the joined value. */
export async function consumeStream(it: AsyncIterable<unknown>, signal: AbortSignal, onChunk: (c: unknown) => void): Promise<unknown> {
  const chunks: unknown[] = [];
  for await (const chunk of it) {
    if (signal.aborted) throw signal.reason;
    chunks.push(chunk);
    onChunk(chunk);
  }
  return joinChunks(chunks);
}

/** Rejects when the signal aborts, so a node that ignores its signal cannot hold a run open. */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Runs `attempt` with a per-attempt timeout: the signal it gets aborts when the time is up. */
export async function withTimeout<T>(ms: number, node: string, parent: AbortSignal, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctl = new AbortController();
  const onParent = () => ctl.abort(parent.reason);
  if (parent.aborted) ctl.abort(parent.reason);
  else parent.addEventListener('abort', onParent, { once: true });
  const timer = setTimeout(() => ctl.abort(new NodeTimeoutError(node, ms)), ms);
  try {
    return await raceAbort(attempt(ctl.signal), ctl.signal);
  } finally {
    clearTimeout(timer);
    parent.removeEventListener('abort', onParent);
  }
}

export function isRetryable(err: unknown): boolean {
  if (err instanceof WeirError) return err.retryable;
  return !(err instanceof Error && err.name === 'AbortError');
}

/** Exponential backoff, capped; with jitter the delay is drawn from [d/2, d]. */
export function backoffMs(policy: RetryPolicy, failedAttempt: number): number {
  const d = Math.min(policy.maxMs, policy.baseMs * policy.multiplier ** (failedAttempt - 1));
  return policy.jitter ? d / 2 + Math.random() * (d / 2) : d;
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
