import type { LoadedModel } from '../models/types.ts';

/**
 * Texts per embedding call: big enough to amortise a call, small enough to report progress often
 * and to stop soon when a job is cancelled (a batch of 16 chunks of ~256 tokens is about a second
 * of one core here). The batches of one file are sent at once; the compute pool runs them side by
 * side on its threads.
 */
export const EMBED_BATCH = 16;

/** Chunk hash → its vector being computed, shared by the files of a job in flight at once. */
export type Pending = Map<string, Promise<number[]>>;

export interface EmbedOptions {
  signal?: AbortSignal;
  /** Called as batches finish: texts embedded so far, of how many. */
  onBatch?: (done: number, of: number) => void;
  /**
   * Vectors other files of the job are computing: a text found here is awaited, not embedded
   * again, and texts embedded here are added (the caller removes them once they are stored).
   */
  pending?: Pending;
}

/**
 * Embeds each distinct chunk text once: repeated boilerplate costs one embedding, and so does a
 * text another file in flight is already embedding. Texts in `known` (already in the index) are
 * skipped. Returns hash → vector for every chunk not in `known`.
 */
export async function embedUnique(
  model: LoadedModel,
  chunks: { hash: string; text: string }[],
  known: Map<string, number[]> = new Map(),
  opts: EmbedOptions = {},
): Promise<Map<string, number[]>> {
  const byHash = new Map<string, string>();
  const elsewhere = new Map<string, Promise<number[]>>();
  for (const c of chunks) {
    if (known.has(c.hash) || byHash.has(c.hash) || elsewhere.has(c.hash)) continue;
    const p = opts.pending?.get(c.hash);
    if (p) elsewhere.set(c.hash, p);
    else byHash.set(c.hash, c.text);
  }
  const hashes = [...byHash.keys()];
  const out = new Map<string, number[]>();
  let done = 0;
  const batches: Promise<void>[] = [];
  for (let i = 0; i < hashes.length; i += EMBED_BATCH) {
    const batch = hashes.slice(i, i + EMBED_BATCH);
    const vectors = model.embed!(batch.map((h) => byHash.get(h)!), { signal: opts.signal }).then((r) => r.vectors);
    batch.forEach((h, j) => {
      const v = vectors.then((vs) => vs[j]);
      opts.pending?.set(h, v);
      // A failed text is not offered again (a later file embeds it itself); unobserved, the failure
      // must not go unhandled.
      v.catch(() => {
        if (opts.pending?.get(h) === v) opts.pending.delete(h);
      });
    });
    batches.push(
      vectors.then((vs) => {
        batch.forEach((h, j) => out.set(h, vs[j]));
        done += batch.length;
        opts.onBatch?.(done, hashes.length);
      }),
    );
  }
  await Promise.all(batches);
  for (const [h, p] of elsewhere) out.set(h, await p);
  return out;
}
