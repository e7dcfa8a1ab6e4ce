import { isMap, isScalar, isSeq, type Document } from 'yaml';

/**
 * Keys written twice in one mapping, as the offsets of the later ones with their key, in text order.
 * The yaml package can check this itself (`uniqueKeys`), but it compares each key with every key
 * before it: a flow with a 10 000-entry `layout` spent 1.5 s of its 2.5 s parse there. One set per
 * mapping is linear; the walk keeps its own stack, as a document nests as deep as it likes.
 */
export function duplicateKeys(doc: Document): { key: unknown; offset: number }[] {
  const found: { key: unknown; offset: number }[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        // Same rule as yaml's own check: scalar keys with the same value (===); other keys never.
        if (isScalar(pair.key) && !Number.isNaN(pair.key.value)) {
          if (seen.has(pair.key.value)) found.push({ key: pair.key.value, offset: pair.key.range?.[0] ?? 0 });
          else seen.add(pair.key.value);
        }
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return found.sort((a, b) => a.offset - b.offset);
}
