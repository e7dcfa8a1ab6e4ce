import os from 'node:os';

/**
 * Worker threads yield the CPU to the event loop: on a machine whose cores they keep busy, the loop
 * would otherwise get only its share of the cores, and every request would wait for it. Nice 10
 * gives the main thread ~10x their weight; work nobody else wants the CPU for runs at full speed.
 * Measured (bench:isolation, 2 cores, the `hello` endpoint at 4 clients): at equal priority it kept
 * 22 % of its req/s during a 400 KB ingestion and 17 % during extractive questions. Call it at the
 * top of a worker file: on Linux `setPriority(0, …)` sets the calling thread only, not the server's.
 * Where it is not allowed (some containers) the thread keeps the server's priority.
 */
export const WORKER_NICE = 10;

export function lowerThreadPriority(nice = WORKER_NICE): void {
  try {
    os.setPriority(Math.max(os.getPriority(), nice));
  } catch {
    // keep the inherited priority
  }
}
