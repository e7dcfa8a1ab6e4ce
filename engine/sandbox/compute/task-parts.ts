/** Cutting a big request into compute tasks. */

/**
 * A task's share of a big request: at most this many texts or characters (~16 chunks of 256
 * tokens, ~1 s of one core), so a request is spread over every thread, a cancelled one stops
 * within about a second, and a question queued behind it waits no longer than that.
 */
export const TASK_TEXTS = 64;
export const TASK_CHARS = 16_000;

/** Index lists of `texts`, similar lengths together (a graph batch pads to its longest text). */
export function taskParts(texts: string[]): number[][] {
  const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length || a - b);
  const parts: number[][] = [];
  let part: number[] = [];
  let chars = 0;
  for (const i of order) {
    if (part.length && (part.length === TASK_TEXTS || chars + texts[i].length > TASK_CHARS)) {
      parts.push(part);
      part = [];
      chars = 0;
    }
    part.push(i);
    chars += texts[i].length;
  }
  if (part.length) parts.push(part);
  return parts;
}

/** Embeds `texts` as tasks run side by side by `run`; vectors in input order, tokens summed. */
export async function embedInParts(
  texts: string[],
  run: (part: string[]) => Promise<{ vectors: number[][]; tokens: number }>,
): Promise<{ vectors: number[][]; usage: { prompt_tokens: number; total_tokens: number } }> {
  const vectors: number[][] = new Array(texts.length);
  let tokens = 0;
  await Promise.all(
    taskParts(texts).map(async (idx) => {
      const out = await run(idx.map((i) => texts[i]));
      idx.forEach((i, j) => (vectors[i] = out.vectors[j]));
      tokens += out.tokens;
    }),
  );
  return { vectors, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
