import { WeirError } from '../errors.ts';
import type { NodeRegistry } from '../registry.ts';

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A draft's definition with what its node types work out at publish (`NodeDefinition.atPublish`),
 * or undefined when nothing changes. Nodes whose config does not parse are left to validation.
 */
export async function refreshAtPublish(definition: unknown, registry: NodeRegistry): Promise<Record<string, unknown> | undefined> {
  if (!isObj(definition) || !Array.isArray(definition.nodes)) return undefined;
  let nodes: unknown[] | undefined;
  for (const [i, node] of definition.nodes.entries()) {
    if (!isObj(node) || typeof node.type !== 'string') continue;
    const def = registry.get(node.type)?.def;
    if (!def?.atPublish) continue;
    const parsed = def.config.safeParse(node.config ?? {});
    if (!parsed.success) continue;
    let next: unknown;
    try {
      next = await def.atPublish(parsed.data, {});
    } catch (err) {
      if (err instanceof WeirError) throw new WeirError(err.code, `node "${String(node.name)}": ${err.message}`, { status: 422, node: String(node.name), path: ['nodes', i, 'config'], cause: err });
      throw err;
    }
    if (next === undefined) continue;
    nodes ??= [...definition.nodes];
    nodes[i] = { ...node, config: next };
  }
  return nodes ? { ...definition, nodes } : undefined;
}
