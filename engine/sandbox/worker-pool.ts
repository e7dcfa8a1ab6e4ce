import { Piscina } from 'piscina';

/**
 * Where a worker's code is. Built (dist/*.js) it is the compiled sibling file; run from source (the
 * tests, `tsx`) it is the `.ts` sibling, loaded through tsx, which worker threads honour as an
 * `--import` hook. `base` is the caller's `import.meta.url`, `name` the file without extension.
 */
export function workerFile(base: string, name: string): { filename: string; execArgv: string[] } {
  const fromSource = base.endsWith('.ts');
  return {
    filename: new URL(`./${name}${fromSource ? '.ts' : '.js'}`, base).href,
    execArgv: fromSource ? ['--import', 'tsx'] : [],
  };
}

export interface PoolOptions {
  /** Most threads at once. */
  maxThreads: number;
  /** Threads kept warm. */
  minThreads?: number;
  /** A thread idle this long is ended (ms). */
  idleTimeout?: number;
  /** Heap and stack limits per thread: a thread past them ends, not the process. */
  resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number; stackSizeMb?: number };
}

/**
 * A pool of worker threads running one worker file (piscina: idle threads do not keep the process
 * alive). With piscina, a task whose signal aborts while it runs ends its thread: the only way to stop
 * synchronous work (a runaway loop, a backtracking regex) is to end the thread it runs on.
 */
export function createWorkerPool(base: string, name: string, opts: PoolOptions): Piscina {
  const { filename, execArgv } = workerFile(base, name);
  return new Piscina({
    filename,
    execArgv,
    maxThreads: opts.maxThreads,
    minThreads: opts.minThreads ?? 0,
    idleTimeout: opts.idleTimeout ?? 30_000,
    resourceLimits: opts.resourceLimits,
  });
}
