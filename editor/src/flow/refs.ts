/**
 * References are the edges. The studio reads them with the engine's own parser (a pure module with no
 * I/O), so the canvas and the server can never disagree on what `${…}` means.
 */
import { formatRef, parseBinding, parseRef, refsOf, rewriteTemplateRefs, type Ref, type Segment } from '../../../engine/flow/references.ts';

export { formatRef, parseRef, type Ref, type Segment };

/** Every reference in a value as written (string, template, object, array); unparsable ones are skipped. */
export function refsIn(value: unknown): Ref[] {
  try {
    return refsOf(parseBinding(value));
  } catch {
    return [];
  }
}

/** True when the value is exactly one reference (an edge the canvas may delete with its binding). */
export function isSingleRef(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return parseBinding(value).t === 'ref';
  } catch {
    return false;
  }
}

/**
 * Rewrites the `${…}` references inside every string of `value`: `fn` returns the new reference,
 * `null` to drop it (its text is removed), or `undefined` to keep it. `$${` stays a literal.
 */
export function rewriteRefs(value: unknown, fn: (r: Ref) => Ref | null | undefined): unknown {
  if (typeof value === 'string') return rewriteTemplateRefs(value, fn);
  if (Array.isArray(value)) {
    const out = value.map((v) => rewriteRefs(v, fn));
    return out.every((v, i) => v === value[i]) ? value : out;
  }
  if (value !== null && typeof value === 'object') {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = rewriteRefs(v, fn);
      if (out[k] !== v) changed = true;
    }
    return changed ? out : value;
  }
  return value;
}
