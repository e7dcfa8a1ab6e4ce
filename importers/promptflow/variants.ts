import type { Locator, Report } from './report.ts';
import { isObj, str } from './context.ts';

export interface Variant {
  node: string;
  id: string;
  raw: Record<string, unknown>;
  path: (string | number)[];
}

export interface ResolvedVariants {
  /** Node name → its default variant (the node the main flow gets). */
  defaults: Map<string, Variant>;
  /** Every other variant, each a flow of its own. */
  others: Variant[];
}

/** `node_variants` read: each node's default variant and the others, reported with where they are. */
export function readVariants(raw: unknown, at: Locator, report: Report): ResolvedVariants {
  const out: ResolvedVariants = { defaults: new Map(), others: [] };
  if (!isObj(raw)) return out;
  for (const [node, spec] of Object.entries(raw)) {
    if (!isObj(spec) || !isObj(spec.variants)) {
      report.add('attention', `node_variants.${node} not read`, { ...at(['node_variants', node]), why: 'it has no variants mapping', todo: 'check the node' });
      continue;
    }
    const ids = Object.keys(spec.variants);
    const def = str(spec.default_variant_id) ?? ids[0];
    for (const id of ids) {
      const v = spec.variants[id];
      const nodeDoc = isObj(v) && isObj(v.node) ? v.node : undefined;
      if (!nodeDoc) {
        report.add('attention', `variant ${id} of ${node} not read`, { ...at(['node_variants', node, 'variants', id]), why: 'it has no node', todo: 'check the variant' });
        continue;
      }
      const variant: Variant = { node, id, raw: { ...nodeDoc, name: node }, path: ['node_variants', node, 'variants', id, 'node'] };
      if (id === def) out.defaults.set(node, variant);
      else out.others.push(variant);
    }
    if (!out.defaults.has(node)) report.add('attention', `node_variants.${node}: default variant ${def} not found`, { ...at(['node_variants', node, 'default_variant_id']), todo: 'set default_variant_id to one of its variants' });
  }
  return out;
}

const SUFFIX = /^[A-Za-z0-9_-]+$/;

/**
 * The flow name of each non-default variant: `name@variant`, or `name@node-variant` when two nodes
 * share a variant id (prompt flow's are usually variant_1, variant_2 … on every node).
 */
export function variantFlowNames(name: string, others: Variant[]): Map<Variant, string> {
  const count = new Map<string, number>();
  for (const v of others) count.set(v.id, (count.get(v.id) ?? 0) + 1);
  const out = new Map<Variant, string>();
  for (const v of others) {
    const raw = (count.get(v.id)! > 1 ? `${v.node}-${v.id}` : v.id).replace(/[^A-Za-z0-9_-]+/g, '_');
    out.set(v, `${name}@${SUFFIX.test(raw) ? raw : 'variant'}`);
  }
  return out;
}
