/**
 * The process's compute pool: one, created on first use with as many threads as the machine has
 * for this (defaultThreads()), plus the typed way to run a task on it. Models that must keep their
 * weights in one thread (transformers.js) get a pool of their own from `dedicatedPool`.
 */
import { defaultThreads } from '../../models/threads.ts';
import { ComputePool, type ComputePoolOptions, type RunOptions } from './compute-pool.ts';
import type { ComputeTask, ResultOf } from './tasks.ts';

const WORKER = 'compute-worker';

let shared: ComputePool | undefined;
let sharedThreads: number | undefined;

export function computePool(): ComputePool {
  return (shared ??= new ComputePool(import.meta.url, WORKER, { threads: sharedThreads ?? defaultThreads() }));
}

/**
 * Replaces the shared pool with one of `threads` threads (undefined: the machine's default) once
 * its running tasks end. For the benchmark, which compares pool sizes in one run.
 */
export async function resizeComputePool(threads?: number): Promise<void> {
  const old = shared;
  shared = undefined;
  sharedThreads = threads;
  await old?.close();
}

/** A pool over the same worker file that only its owner uses (one model's weights in one thread). */
export function dedicatedPool(opts: ComputePoolOptions): ComputePool {
  return new ComputePool(import.meta.url, WORKER, opts);
}

/** Runs one task on `pool` (the shared one by default). */
export function compute<K extends ComputeTask['kind']>(task: ComputeTask & { kind: K }, opts: RunOptions & { pool?: ComputePool } = {}): Promise<ResultOf<K>> {
  return (opts.pool ?? computePool()).run<ResultOf<K>>(task, opts);
}
