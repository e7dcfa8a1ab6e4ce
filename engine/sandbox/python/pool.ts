import { createHash } from 'node:crypto';
import { WeirError } from '../../errors.ts';
import { hostBase, makeWorkerHome, removeFolder, removeHostFolders, writeCodeFolder } from './host-folders.ts';
import { deniedPaths, workerEnv } from './isolation.ts';
import { MAX_MESSAGE_BYTES, type CallMessage, type InitMessage } from './protocol.ts';
import { pythonRuntimeDir, standInDir } from './python-runtime.ts';
import { resolveRequirements } from './requirements.ts';
import { PythonWorker, type CallOptions, type CallResult, type CallSink } from './worker.ts';

/** One flow version's Python tool: its files, the function, its requirements and limits. */
export interface PythonToolSpec {
  /** Relative path → source text: the tool's module and the other .py files beside it. */
  files: Map<string, string>;
  /** The module to import (file name without .py). */
  module: string;
  function: string;
  requirements: string[];
  limits: PythonLimits;
  /** How messages name the tool's file (`code` for inline code); not part of the pool key. */
  label?: string;
}

export interface PythonLimits {
  timeoutSeconds: number;
  cpuSeconds: number;
  memoryMb: number;
}

export const DEFAULT_LIMITS: PythonLimits = { timeoutSeconds: 60, cpuSeconds: 30, memoryMb: 512 };

/**
 * Workers per flow version: one is started at the first call; concurrent calls start more, up to
 * this many (WEIR_PYTHON_WORKERS); calls beyond wait their turn in order.
 */
const maxWorkers = (): number => Math.max(1, Math.min(32, Number(process.env.WEIR_PYTHON_WORKERS) || 4));
/**
 * Workers of all flows together (WEIR_PYTHON_MAX_WORKERS). Past it a pool does not grow beyond one
 * worker; a pool's first worker is always started, ending another flow's idle worker to make room.
 */
const maxTotal = (): number => Math.max(1, Number(process.env.WEIR_PYTHON_MAX_WORKERS) || 16);
/** A worker idle this long exits (WEIR_PYTHON_IDLE_MS). */
const idleMs = (): number => Number(process.env.WEIR_PYTHON_IDLE_MS) || 5 * 60_000;
/** RLIMIT_CPU's hard limit is set once, at start: a worker is retired before its calls add up to it. */
const CPU_LIFETIME_FACTOR = 10;

export function poolKey(spec: PythonToolSpec): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([spec.module, spec.function, spec.requirements, spec.limits]));
  for (const [name, text] of [...spec.files].sort(([a], [b]) => (a < b ? -1 : 1))) h.update(`\0${name}\0${text}`);
  return h.digest('hex');
}

interface Idle {
  worker: PythonWorker;
  timer: NodeJS.Timeout;
}

/** The workers of one flow version (one pool key). */
export class PythonPool {
  private idle: Idle[] = [];
  private busy = new Set<PythonWorker>();
  private starting = 0;
  private waiters: { resolve(w: PythonWorker): void; reject(e: unknown): void }[] = [];
  private prepared: Promise<{ codeDir: string; sitePackages: string[] }> | undefined;
  private codeDir: string | undefined;
  closed = false;
  /** Workers this pool has started over its life. */
  started = 0;

  constructor(
    readonly key: string,
    private readonly spec: PythonToolSpec,
  ) {}

  get size(): number {
    return this.idle.length + this.busy.size + this.starting;
  }

  async call(kwargs: CallMessage['kwargs'], connections: CallMessage['connections'], sink: CallSink, opts: Omit<CallOptions, 'timeoutMs'>): Promise<CallResult> {
    const worker = await this.acquire(opts.signal);
    try {
      return await worker.call({ module: this.spec.module, function: this.spec.function, kwargs, connections }, sink, {
        ...opts,
        timeoutMs: this.spec.limits.timeoutSeconds * 1000,
      });
    } finally {
      this.release(worker);
    }
  }

  private prepare(): Promise<{ codeDir: string; sitePackages: string[] }> {
    this.prepared ??= (async () => {
      const sitePackages = await resolveRequirements(this.spec.requirements, this.spec.files, this.spec.module, this.spec.label);
      this.codeDir ??= writeCodeFolder(this.spec.files);
      return { codeDir: this.codeDir, sitePackages };
    })();
    // A failure (a package missing) is not kept: it may be installed before the next call.
    this.prepared.catch(() => (this.prepared = undefined));
    return this.prepared;
  }

  private async acquire(signal?: AbortSignal): Promise<PythonWorker> {
    signal?.throwIfAborted();
    let ready = this.idle.pop();
    while (ready?.worker.dead) {
      clearTimeout(ready.timer);
      ready = this.idle.pop();
    }
    if (ready) {
      clearTimeout(ready.timer);
      this.busy.add(ready.worker);
      return ready.worker;
    }
    const total = totalWorkers();
    if (this.size === 0 || (this.size < maxWorkers() && total < maxTotal())) {
      if (total >= maxTotal()) evictIdle(this);
      this.starting++;
      try {
        const w = await this.startWorker();
        this.busy.add(w);
        return w;
      } finally {
        this.starting--;
      }
    }
    return new Promise<PythonWorker>((resolve, reject) => {
      const waiter = { resolve, reject };
      this.waiters.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  private async startWorker(): Promise<PythonWorker> {
    if (this.closed) throw new WeirError('closing', 'the Python workers are shutting down');
    const { codeDir, sitePackages } = await this.prepare();
    const { cpuSeconds, memoryMb } = this.spec.limits;
    const init: InitMessage = {
      runtime_dir: pythonRuntimeDir(),
      stand_in: standInDir(),
      code_dir: codeDir,
      site_packages: sitePackages,
      denied: deniedPaths(),
      cpu_seconds: cpuSeconds,
      cpu_hard_seconds: cpuSeconds * CPU_LIFETIME_FACTOR,
      memory_bytes: memoryMb * 1024 * 1024,
      max_message_bytes: MAX_MESSAGE_BYTES,
    };
    const home = makeWorkerHome();
    this.started++;
    workersStarted++;
    try {
      const w = await PythonWorker.start(init, workerEnv(home, sitePackages), codeDir);
      void w.closed.then(() => removeFolder(home));
      return w;
    } catch (err) {
      removeFolder(home);
      throw err;
    }
  }

  private release(w: PythonWorker): void {
    this.busy.delete(w);
    const { cpuSeconds } = this.spec.limits;
    const spent = w.cpuUsed + cpuSeconds + 1 >= cpuSeconds * CPU_LIFETIME_FACTOR;
    if (w.dead || spent || this.closed) {
      if (!w.dead) void w.close();
      // A replacement for a waiter, if any is waiting.
      const waiter = this.waiters.shift();
      if (waiter && !this.closed) {
        this.starting++;
        this.startWorker().then(
          (nw) => {
            this.starting--;
            this.busy.add(nw);
            waiter.resolve(nw);
          },
          (err) => {
            this.starting--;
            waiter.reject(err);
          },
        );
      }
      this.forgetIfEmpty();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      this.busy.add(w);
      waiter.resolve(w);
      return;
    }
    const timer = setTimeout(() => {
      this.idle = this.idle.filter((i) => i.worker !== w);
      void w.close();
      this.forgetIfEmpty();
    }, idleMs());
    timer.unref();
    this.idle.push({ worker: w, timer });
  }

  private forgetIfEmpty(): void {
    if (this.size > 0 || this.waiters.length > 0) return;
    pools.delete(this.key);
    this.closed = true;
    if (this.codeDir) removeFolder(this.codeDir);
  }

  /** Ends every worker (running calls are rejected with `closing`). */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new WeirError('closing', 'the Python workers are shutting down'));
    const all = [...this.idle.map((i) => (clearTimeout(i.timer), i.worker)), ...this.busy];
    this.idle = [];
    for (const w of this.busy) w.kill(new WeirError('closing', 'the Python workers are shutting down'));
    await Promise.all(all.map((w) => w.close()));
    if (this.codeDir) removeFolder(this.codeDir);
  }

  /** Ends the longest-idle worker, if any; whether one was ended. */
  endIdle(): boolean {
    const oldest = this.idle.shift();
    if (!oldest) return false;
    clearTimeout(oldest.timer);
    void oldest.worker.close();
    this.forgetIfEmpty();
    return true;
  }

  killAllNow(): void {
    for (const i of this.idle) i.worker.kill();
    for (const w of this.busy) w.kill();
  }
}

const pools = new Map<string, PythonPool>();

function totalWorkers(): number {
  let n = 0;
  for (const p of pools.values()) n += p.size;
  return n;
}

function evictIdle(except: PythonPool): void {
  for (const p of pools.values()) if (p !== except && p.endIdle()) return;
}
let workersStarted = 0;
let exitHookSet = false;

/** The pool of a flow version's tool, made on first use (process-wide). */
export function pythonPool(spec: PythonToolSpec, key = poolKey(spec)): PythonPool {
  let pool = pools.get(key);
  if (!pool || pool.closed) {
    pool = new PythonPool(key, spec);
    pools.set(key, pool);
    hostBase();
    if (!exitHookSet) {
      exitHookSet = true;
      // Workers never outlive Weir: killed synchronously at exit (they also exit on stdin's EOF).
      process.once('exit', () => {
        for (const p of pools.values()) p.killAllNow();
        removeHostFolders();
      });
    }
  }
  return pool;
}

/** Ends every Python worker of this process; the server's close calls it. */
export async function closePythonPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.close()));
  removeHostFolders();
}

/** How many pools and live workers there are, and how many workers were ever started (tests, benches). */
export function pythonPoolStats(): { pools: number; workers: number; started: number } {
  let workers = 0;
  for (const p of pools.values()) workers += p.size;
  return { pools: pools.size, workers, started: workersStarted };
}
