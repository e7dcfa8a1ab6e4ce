import os from 'node:os';
import { WeirError } from '../errors.ts';

/**
 * CPU threads for local inference. This is the one place the number is chosen: libraries guess
 * badly on small machines (node-llama-cpp assumes at least 4, which on 2 cores is ~500x slower).
 * `WEIR_THREADS` overrides it: llama.cpp's threads spin while they sync, so on a machine whose
 * other cores are busy (a test run, a load generator) fewer threads can be much faster.
 */
export function defaultThreads(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.WEIR_THREADS;
  if (given !== undefined && given !== '') {
    const n = Number(given);
    if (!Number.isInteger(n) || n < 1) throw new WeirError('invalid_threads', `WEIR_THREADS must be a whole number of 1 or more, not "${given}"`);
    return n;
  }
  return Math.max(1, os.availableParallelism());
}
