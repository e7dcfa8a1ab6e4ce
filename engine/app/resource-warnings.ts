import type { ProblemCode } from '../error-codes.ts';
import type { Problem } from '../errors.ts';
import type { Analysis } from '../flow/analyze.ts';
import { RESOURCE_KEY, type ResourceKind } from '../flow/resource-fields.ts';

/** Names of what exists on this server, by kind; a kind left out is not checked. */
export type KnownResources = Partial<Record<ResourceKind, ReadonlySet<string>>>;

export interface ResourceUse {
  kind: ResourceKind;
  name: string;
  node: string;
  path: (string | number)[];
}

const HOW: Record<ResourceKind, string> = {
  deployment: 'deploy a model under this name (Models, or POST /api/deployments) or pick another',
  index: 'add your data under this name (Data, or POST /api/indexes) or pick another',
  connection: 'create it (PUT /api/connections/{name}) or pick another',
};

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every config field a node's schema marks as naming a deployment, index or connection, with its value. */
export function resourceUses(analysis: Analysis): ResourceUse[] {
  const uses: ResourceUse[] = [];
  for (const n of analysis.nodes) {
    const props = n.reg?.config.properties;
    const config = n.raw.config;
    if (!isObj(props) || !isObj(config)) continue;
    for (const [key, schema] of Object.entries(props)) {
      const kind = isObj(schema) ? (schema[RESOURCE_KEY] as ResourceKind | undefined) : undefined;
      const value = config[key];
      if (kind && typeof value === 'string' && value) uses.push({ kind, name: value, node: n.name, path: ['nodes', n.index, 'config', key] });
    }
  }
  return uses;
}

/**
 * Warnings, not errors, for names that do not exist: a flow may be written before the model it
 * calls is deployed, and it is saved all the same; the run then fails naming the missing one.
 */
export function resourceWarnings(uses: ResourceUse[], known: KnownResources): Problem[] {
  const problems: Problem[] = [];
  for (const u of uses) {
    const names = known[u.kind];
    if (!names || names.has(u.name)) continue;
    const code: ProblemCode = u.kind === 'deployment' ? 'unknown_deployment' : u.kind === 'index' ? 'unknown_index' : 'connection_not_found';
    problems.push({
      code, severity: 'warning', node: u.node, path: u.path,
      message: `node "${u.node}": ${u.kind === 'index' ? 'data index' : u.kind} "${u.name}" does not exist on this server: ${HOW[u.kind]}`,
    });
  }
  return problems;
}
