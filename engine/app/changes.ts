import { randomUUID } from 'node:crypto';
import type { Bus } from '../bus/types.ts';

/**
 * What one instance tells the others it changed, so they drop what they cached of it. Messages are
 * hints, never data: a receiver reads the store again.
 */
export type Change =
  /** Created, its traffic or settings changed, or deleted. */
  | { kind: 'deployment'; name: string }
  /** A key of the deployment was revoked (or all of them went with it). */
  | { kind: 'keys'; deployment: string }
  /** Published or deleted: its latest version (what sub-flows run) may differ. */
  | { kind: 'flow'; name: string }
  /** Messages may have been missed (the bus reconnected): drop everything. */
  | { kind: 'all' };

const CHANNEL = 'changes';

const isChange = (m: unknown): m is Change => {
  const c = m as Record<string, unknown> | null;
  if (!c || typeof c !== 'object') return false;
  if (c.kind === 'all') return true;
  if (c.kind === 'keys') return typeof c.deployment === 'string';
  return (c.kind === 'deployment' || c.kind === 'flow') && typeof c.name === 'string';
};

/**
 * The owners of caches (deployments, keys, flows) announce their changes here: applied on this
 * instance at once, then published to every other instance sharing the bus.
 */
export class Changes {
  readonly #listeners = new Set<(c: Change) => void>();
  /** Messages carry their sender: an instance applies its own changes when it makes them, not again. */
  readonly #id = randomUUID();
  #stop: (() => Promise<void>) | undefined;
  #stopReconnects: (() => void) | undefined;

  constructor(private readonly bus: Bus) {}

  /** Subscribes to the other instances' changes. */
  async start(): Promise<void> {
    this.#stop = await this.bus.subscribe(CHANNEL, (m) => {
      const { from, change } = (m ?? {}) as { from?: unknown; change?: unknown };
      if (from !== this.#id && isChange(change)) this.#apply(change);
    });
    this.#stopReconnects = this.bus.onReconnect(() => this.#apply({ kind: 'all' }));
  }

  on(listener: (c: Change) => void): void {
    this.#listeners.add(listener);
  }

  /**
   * Applies the change here before returning, so this instance's next call sees it; the others get
   * it through the bus. A bus that is away loses the message: their caches expire on their own.
   */
  async announce(c: Change): Promise<void> {
    this.#apply(c);
    await this.bus.publish(CHANNEL, { from: this.#id, change: c }).catch((err: unknown) => console.error(`could not tell other instances about a change (${c.kind}):`, (err as Error).message));
  }

  async close(): Promise<void> {
    this.#stopReconnects?.();
    await this.#stop?.().catch(() => {});
  }

  #apply(c: Change): void {
    for (const l of this.#listeners) l(c);
  }
}
