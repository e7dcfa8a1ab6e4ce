import type { Piscina } from 'piscina';
import { defaultThreads } from '../models/threads.ts';
import { createWorkerPool } from './worker-pool.ts';

/**
 * Threads for expressions and templates that outgrew their in-process slice. Few: such work is rare
 * (runaways, large data), and a thread that runs past its budget is ended, not waited for.
 */
const MAX_THREADS = 2;
/** An idle sandbox thread exits after this long; the next task starts a new one (~40 ms here). */
const IDLE_MS = 30_000;
/**
 * Heap per sandbox thread. `[1..9999999].{"n": $}` builds ten million objects: without a limit one
 * expression can take the process's memory; with it only its thread ends (ERR_WORKER_OUT_OF_MEMORY).
 */
export const SANDBOX_HEAP_MB = 512;

let pool: Piscina | undefined;

/** The process's sandbox pool, started on first use. */
export function sandboxPool(): Piscina {
  pool ??= createWorkerPool(import.meta.url, 'sandbox-worker', {
    maxThreads: Math.min(MAX_THREADS, defaultThreads()),
    idleTimeout: IDLE_MS,
    resourceLimits: { maxOldGenerationSizeMb: SANDBOX_HEAP_MB },
  });
  return pool;
}

/** The pool if it was started (tests read its threads); undefined otherwise. */
export function startedSandboxPool(): Piscina | undefined {
  return pool;
}

/** Ends the pool's threads (tests, shutdown); the next task starts a new pool. */
export async function closeSandboxPool(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.destroy();
}
