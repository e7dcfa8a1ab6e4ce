/**
 * How the instances sharing a store keep their vector caches current. Every commit to a data index's
 * chunks or vectors goes through the store DataIndexes hands out (`announcingStore`): once it is
 * committed, this instance's cache is told (its writer applies the change itself) and the other
 * instances get a small notice on the bus — the chunk ids added and removed, never the vectors,
 * which each reads from the store.
 *
 * Notices are hints, as every bus message is: one that is lost (the bus was away, or reconnected) is
 * caught by the index's revision, which every search reads with the index row anyway; a cache that
 * holds another revision checks itself against the store (vector-caches.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Bus } from '../../bus/types.ts';
import type { DataStore } from '../../store/data-types.ts';
import type { Store } from '../../store/types.ts';

export const NOTICE_CHANNEL = 'data:vectors';

/** A notice lists at most this many ids (~50 KB of JSON); a bigger change is sent as `stale`. */
export const MAX_NOTICE_IDS = 5000;

/** A commit to one index, as the store reported it. */
export type Commit =
  /** The commit that made `revision`: chunks added (their vectors are in the store) and removed. */
  | { kind: 'changed'; index: string; revision: number; added: number[]; removed: number[] }
  /** Re-indexed or deleted: every vector a cache holds for it is worthless. */
  | { kind: 'reset'; index: string };

/** What instances tell each other: a commit, or that one happened that is too big to list. */
export type IndexNotice = Commit | { kind: 'stale'; index: string };

/**
 * The store with its data port announcing each commit to `onCommit`, after it is committed (and only
 * if it was). Everything else is the store itself.
 */
export function announcingStore(store: Store, onCommit: (c: Commit) => void): Store {
  const data = store.data;
  const changed = (index: string, revision: number, added: number[], removed: number[]) => onCommit({ kind: 'changed', index, revision, added, removed });
  const announced: DataStore = {
    ...data,
    putDocument: async (index, doc, chunks) => {
      const r = await data.putDocument(index, doc, chunks);
      changed(index, r.revision, r.chunkIds, r.replacedChunkIds);
      return r;
    },
    deleteDocument: async (index, name) => {
      const r = await data.deleteDocument(index, name);
      if (r) changed(index, r.revision, [], r.chunkIds);
      return r;
    },
    setVectors: async (index, items) => {
      const revision = await data.setVectors(index, items);
      changed(index, revision, items.map((i) => i.id), []);
      return revision;
    },
    resetIndex: async (name, settings) => {
      await data.resetIndex(name, settings);
      onCommit({ kind: 'reset', index: name });
    },
    deleteIndex: async (name) => {
      const removed = await data.deleteIndex(name);
      if (removed) onCommit({ kind: 'reset', index: name });
      return removed;
    },
  };
  // Everything but `data` is the store's own (its methods keep working through the prototype).
  return Object.assign(Object.create(store) as Store, { data: announced });
}

/** Sends this instance's commits on the bus, and hands it the others'. */
export class IndexNotices {
  /** Notices carry their sender: an instance applies its own commits as it makes them, not again. */
  readonly #id = randomUUID();
  #listening: Promise<() => Promise<void>> | undefined;
  /** Logged once until it works again: every search retries while the bus is away. */
  #failing = false;

  constructor(
    private readonly bus: Bus,
    private readonly onNotice: (n: IndexNotice) => void,
  ) {}

  /**
   * Subscribes, once: before the first cache is built, so no commit after its build is missed.
   * A bus that is away is tried again at the next call; meanwhile revisions keep searches right.
   */
  async listen(): Promise<void> {
    this.#listening ??= this.bus.subscribe(NOTICE_CHANNEL, (m) => {
      const parsed = parseNotice(m);
      if (parsed && parsed.from !== this.#id) this.onNotice(parsed.notice);
    });
    try {
      await this.#listening;
      this.#failing = false;
    } catch (err) {
      this.#listening = undefined;
      if (!this.#failing) console.error('could not listen for other instances’ data index changes (searches still see them, later):', (err as Error).message);
      this.#failing = true;
    }
  }

  /** Tells the other instances; a failure is logged (their next search finds the revision moved). */
  publish(c: Commit): void {
    const notice: IndexNotice = c.kind === 'changed' && c.added.length + c.removed.length > MAX_NOTICE_IDS ? { kind: 'stale', index: c.index } : c;
    this.bus.publish(NOTICE_CHANNEL, { from: this.#id, notice }).catch((err: unknown) => console.error(`could not tell other instances about a change to data index "${c.index}":`, (err as Error).message));
  }

  async close(): Promise<void> {
    const stop = await this.#listening?.catch(() => undefined);
    this.#listening = undefined;
    await stop?.().catch(() => {});
  }
}

const isId = (v: unknown) => Number.isSafeInteger(v) && (v as number) > 0;
const isIds = (v: unknown): v is number[] => Array.isArray(v) && v.length <= MAX_NOTICE_IDS && v.every(isId);

/** A notice as another instance sent it, or undefined for anything else on the channel (checked field by field: it came over the network). */
export function parseNotice(m: unknown): { from: string; notice: IndexNotice } | undefined {
  const { from, notice } = (m ?? {}) as { from?: unknown; notice?: unknown };
  const n = notice as Record<string, unknown> | null | undefined;
  if (typeof from !== 'string' || !n || typeof n !== 'object') return undefined;
  // Index names are short (INDEX_NAME); a receiver acts only on names it has loaded.
  if (typeof n.index !== 'string' || n.index.length > 63) return undefined;
  const index = n.index;
  if (n.kind === 'reset' || n.kind === 'stale') return { from, notice: { kind: n.kind, index } };
  if (n.kind !== 'changed' || !Number.isSafeInteger(n.revision) || (n.revision as number) < 1 || !isIds(n.added) || !isIds(n.removed)) return undefined;
  return { from, notice: { kind: 'changed', index, revision: n.revision as number, added: n.added, removed: n.removed } };
}
