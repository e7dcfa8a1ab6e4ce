import type { LoadedModel } from '../models/types.ts';

/**
 * Texts per embedding call: big enough to amortise a call, small enough to report progress often
 * and, as the default embedder computes on the main thread, to let a server answer other requests
 * between batches (a batch of 16 chunks of ~256 tokens is about a second of CPU here).
 */
export const EMBED_BATCH = 16;

/** Embeds each distinct chunk text once, in batches: repeated boilerplate costs one embedding. */
export async function embedUnique(
  model: LoadedModel,
  chunks: { hash: string; text: string }[],
  known: Map<string, number[]> = new Map(),
  onBatch?: (done: number, of: number) => void,
): Promise<Map<string, number[]>> {
  const byHash = new Map<string, string>();
  for (const c of chunks) if (!known.has(c.hash) && !byHash.has(c.hash)) byHash.set(c.hash, c.text);
  const hashes = [...byHash.keys()];
  const out = new Map<string, number[]>();
  for (let i = 0; i < hashes.length; i += EMBED_BATCH) {
    const batch = hashes.slice(i, i + EMBED_BATCH);
    const { vectors } = await model.embed!(batch.map((h) => byHash.get(h)!));
    batch.forEach((h, j) => out.set(h, vectors[j]));
    // A turn for the event loop: requests waiting behind this batch are served before the next.
    await new Promise((r) => setImmediate(r));
    onBatch?.(Math.min(i + EMBED_BATCH, hashes.length), hashes.length);
  }
  return out;
}
