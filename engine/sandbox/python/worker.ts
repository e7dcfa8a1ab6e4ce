import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { WeirError } from '../../errors.ts';
import { LineSplitter, MAX_MESSAGE_BYTES, type CallMessage, type InitMessage, type WorkerError, type WorkerMessage } from './protocol.ts';
import { pythonExecutable, runnerScript, workerIdentity } from './python-runtime.ts';

/** What a call reports while it runs. */
export interface CallSink {
  chunk(value: unknown): void;
  metric(name: string, value: number): void;
  log(level: 'info' | 'warn', message: string): void;
}

export interface CallOptions {
  node: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface CallResult {
  value: unknown;
  streamed: boolean;
}

/** A failure of a call that is the tool's (or the worker's) own, before the node turns it into a WeirError. */
export class ToolFailure extends Error {
  constructor(readonly info: WorkerError) {
    super(info.message);
  }
}

interface Pending {
  id: number;
  sink: CallSink;
  resolve(r: CallResult): void;
  reject(e: unknown): void;
  timer?: NodeJS.Timeout;
  onAbort?: () => void;
  signal?: AbortSignal;
  /** Set when Weir ended the worker on purpose (timeout, cancel): the exit is expected. */
  ending?: boolean;
}

const STDERR_TAIL = 4096;

/**
 * One python3 process running weir_runner.py: one call at a time. A call past its wall-clock
 * timeout, or cancelled, ends the process (SIGKILL): Python code cannot be interrupted reliably
 * otherwise. After that, or any unexpected exit, the worker is `dead` and the pool replaces it.
 */
export class PythonWorker {
  private child: ChildProcessByStdio<Writable, Readable, Readable>;
  private pending: Pending | undefined;
  private nextId = 1;
  private stderrTail = '';
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private lastError: WorkerError | undefined;
  private readyWait: { resolve(): void; reject(e: unknown): void } | undefined;
  /** Settles once the process has ended and its pipes closed. */
  readonly closed: Promise<void>;
  dead = false;
  pid = 0;
  /** CPU seconds the worker has used (reported after each call). */
  cpuUsed = 0;
  calls = 0;

  private constructor(
    init: InitMessage,
    env: Record<string, string>,
    cwd: string,
  ) {
    const drop = workerIdentity();
    this.child = spawn(pythonExecutable(), ['-I', '-S', '-B', runnerScript()], {
      cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(drop ? { uid: drop.uid, gid: drop.gid } : {}),
    });
    this.pid = this.child.pid ?? 0;
    this.closed = new Promise((resolve) => this.child.once('close', () => resolve()));
    const lines = new LineSplitter(MAX_MESSAGE_BYTES + 1024, (l) => this.onLine(l), (size) =>
      this.fail(new WeirError('python_message_too_large', `the Python tool sent a message of more than ${size} bytes; a message may carry at most ${MAX_MESSAGE_BYTES} bytes`)),
    );
    this.child.stdout.on('data', (b: Buffer) => lines.push(b));
    this.child.stderr.on('data', (b: Buffer) => this.onStderr(b));
    this.child.stdin.on('error', () => {}); // a dead worker's pipe; the exit handler reports it
    this.child.once('error', (err) => this.onExit(null, null, err));
    this.child.once('exit', (code, signal) => this.onExit(code, signal));
    this.child.stdin.write(JSON.stringify(init) + '\n');
  }

  /**
   * An idle worker must not keep Weir's process alive (a CLI run would wait for the idle timeout):
   * its process and pipes are unref'd between calls and ref'd while one runs.
   */
  hold(held: boolean): void {
    const method = held ? 'ref' : 'unref';
    this.child[method]();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr] as unknown as { ref?(): void; unref?(): void }[]) s[method]?.();
  }

  /** Starts a worker and waits until it is ready for calls. */
  static async start(init: InitMessage, env: Record<string, string>, cwd: string): Promise<PythonWorker> {
    const w = new PythonWorker(init, env, cwd);
    await new Promise<void>((resolve, reject) => (w.readyWait = { resolve, reject }));
    return w;
  }

  call(msg: Omit<CallMessage, 'type' | 'id'>, sink: CallSink, opts: CallOptions): Promise<CallResult> {
    if (this.dead) return Promise.reject(new WeirError('python_worker_died', `node "${opts.node}": the Python worker has ended`, { node: opts.node }));
    if (this.pending) throw new Error('PythonWorker.call while a call is running (a pool bug)');
    opts.signal?.throwIfAborted();
    const line = JSON.stringify({ type: 'call', id: this.nextId, ...msg });
    if (Buffer.byteLength(line) > MAX_MESSAGE_BYTES) {
      return Promise.reject(new WeirError('python_message_too_large', `node "${opts.node}": the inputs of the Python tool are larger than the ${MAX_MESSAGE_BYTES} bytes a worker message may carry`, { node: opts.node }));
    }
    return new Promise<CallResult>((resolve, reject) => {
      const p: Pending = { id: this.nextId++, sink, resolve, reject, signal: opts.signal };
      this.pending = p;
      this.calls++;
      this.hold(true);
      p.timer = setTimeout(() => {
        this.end(p, new WeirError('node_timeout', `node "${opts.node}": the Python tool did not finish within ${opts.timeoutMs / 1000} s (timeout_seconds); its worker was stopped`, { node: opts.node, retryable: true, status: 504 }));
      }, opts.timeoutMs);
      if (opts.signal) {
        const signal = opts.signal;
        p.onAbort = () => this.end(p, signal.reason);
        signal.addEventListener('abort', p.onAbort, { once: true });
      }
      this.child.stdin.write(line + '\n');
    });
  }

  /** Ends the worker now (SIGKILL); a running call is rejected with `reason`. */
  kill(reason?: unknown): void {
    if (this.pending && reason !== undefined) this.end(this.pending, reason);
    else this.hardKill();
  }

  /** Asks an idle worker to exit; kills it if it does not within a second. */
  async close(): Promise<void> {
    if (this.dead) return;
    this.dead = true;
    this.child.stdin.end(JSON.stringify({ type: 'exit' }) + '\n');
    const t = setTimeout(() => this.hardKill(), 1000);
    await this.closed;
    clearTimeout(t);
  }

  private hardKill(): void {
    this.dead = true;
    if (this.exitInfo === undefined) this.child.kill('SIGKILL');
  }

  private end(p: Pending, reason: unknown): void {
    p.ending = true;
    this.settle(p);
    this.hardKill();
    p.reject(reason);
  }

  private settle(p: Pending): void {
    clearTimeout(p.timer);
    this.hold(false);
    if (p.onAbort) p.signal?.removeEventListener('abort', p.onAbort);
    if (this.pending === p) this.pending = undefined;
  }

  private onLine(line: string): void {
    let msg: WorkerMessage;
    try {
      msg = JSON.parse(line) as WorkerMessage;
    } catch {
      this.fail(new WeirError('python_worker_died', `the Python worker wrote what is not a protocol message: ${line.slice(0, 200)}`));
      return;
    }
    const p = this.pending;
    switch (msg.type) {
      case 'ready':
        this.hold(false);
        this.readyWait?.resolve();
        this.readyWait = undefined;
        return;
      case 'log':
        p?.sink.log(msg.level === 'warn' ? 'warn' : 'info', String(msg.message));
        return;
      case 'metric':
        if (p && msg.id === p.id) p.sink.metric(msg.name, msg.value);
        return;
      case 'chunk':
        if (p && msg.id === p.id) p.sink.chunk(msg.value);
        return;
      case 'result':
        if (!p || msg.id !== p.id) return;
        this.cpuUsed = msg.cpu;
        this.settle(p);
        p.resolve({ value: msg.value, streamed: msg.streamed });
        return;
      case 'error':
        this.lastError = msg;
        // Marked before the call settles, so the pool never hands out a worker that is on its way out.
        if (msg.exiting) this.dead = true;
        if (p && (msg.id === undefined || msg.id === p.id)) {
          this.settle(p);
          p.reject(new ToolFailure(msg));
        }
        return;
    }
  }

  private onStderr(b: Buffer): void {
    const text = b.toString('utf8');
    this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL);
    const p = this.pending;
    if (!p) return;
    for (const line of text.split('\n')) if (line.trim()) p.sink.log('warn', line.slice(0, 8192));
  }

  private fail(err: WeirError): void {
    const p = this.pending;
    if (p) this.end(p, err);
    else this.hardKill();
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void {
    if (this.exitInfo) return;
    this.exitInfo = { code, signal };
    this.dead = true;
    const err = this.exitError(code, signal, spawnError);
    if (this.readyWait) {
      this.readyWait.reject(err);
      this.readyWait = undefined;
    }
    const p = this.pending;
    if (p && !p.ending) {
      this.settle(p);
      p.reject(err);
    }
  }

  private exitError(code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): WeirError | ToolFailure {
    if (spawnError) return new WeirError('python_worker_died', `the Python worker could not start: ${spawnError.message}`, { cause: spawnError, status: 503 });
    if (this.lastError?.kind === 'memory') return new ToolFailure(this.lastError);
    if (signal === 'SIGXCPU') return new WeirError('python_cpu_limit', 'the Python tool used more CPU time than its limit (cpu_seconds); its worker was stopped');
    const tail = this.stderrTail.trim().split('\n').slice(-5).join('\n');
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const memoryHint = /MemoryError|Cannot allocate memory|out of memory/i.test(tail) ? ' (it ran out of memory: memory_mb)' : '';
    return new WeirError('python_worker_died', `the Python worker ${how}${memoryHint}${tail ? `: ${tail}` : ''}`, { retryable: true });
  }
}
