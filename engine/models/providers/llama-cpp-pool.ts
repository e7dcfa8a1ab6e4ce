/**
 * A fixed set of context sequences handed out first come, first served. A request beyond the
 * set waits in line instead of failing, and leaves the line if its signal aborts.
 */
interface Waiter<T> {
  grant: (item: T) => void;
  fail: (err: unknown) => void;
}

export class SequencePool<T> {
  private readonly free: T[];
  private readonly waiting: Waiter<T>[] = [];
  private closed: unknown;

  constructor(items: T[]) {
    this.free = [...items];
  }

  acquire(signal?: AbortSignal): Promise<T> {
    if (this.closed !== undefined) return Promise.reject(this.closed);
    if (signal?.aborted) return Promise.reject(signal.reason);
    // Waiters come before free items so nobody jumps the line between a release and a wake-up.
    const item = this.waiting.length === 0 ? this.free.shift() : undefined;
    if (item !== undefined) return Promise.resolve(item);
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        this.leave(waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter<T> = {
        grant: (got) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(got);
        },
        fail: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  release(item: T): void {
    const next = this.waiting.shift();
    if (next) next.grant(item);
    else this.free.push(item);
  }

  /** Fails everyone in line, and every later request, with `reason` (the context is going away). */
  close(reason: unknown): void {
    this.closed = reason;
    for (const waiter of this.waiting.splice(0)) waiter.fail(reason);
  }

  private leave(waiter: Waiter<T>): void {
    const i = this.waiting.indexOf(waiter);
    if (i >= 0) this.waiting.splice(i, 1);
  }
}
