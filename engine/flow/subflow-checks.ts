import type { Problem } from '../errors.ts';
import type { Analysis, ValidateEnv } from './analyze.ts';

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The flows a raw flow document runs through its nodes, as the node types declare them. */
function flowsUsedBy(raw: unknown, env: ValidateEnv): string[] {
  if (!isObj(raw) || !Array.isArray(raw.nodes)) return [];
  const out: string[] = [];
  for (const n of raw.nodes) {
    if (!isObj(n) || typeof n.type !== 'string') continue;
    const def = env.registry.get(n.type)?.def;
    if (!def?.flowDependencies) continue;
    const cfg = def.config.safeParse(n.config ?? {});
    if (cfg.success) out.push(...def.flowDependencies(cfg.data));
  }
  return out;
}

/** Sub-flows exist, and no chain of sub-flows leads back to a flow already on it. */
export function subflowProblems(a: Analysis, env: ValidateEnv): Problem[] {
  const problems: Problem[] = [];
  for (const node of a.nodes) {
    const deps = node.reg?.def.flowDependencies && node.config !== undefined ? node.reg.def.flowDependencies(node.config) : [];
    for (const dep of deps) {
      const path = ['nodes', node.index, 'config'];
      const found = env.resolveFlow?.(dep);
      if (found === undefined) {
        problems.push({ code: 'unknown_flow', message: `node "${node.name}" runs flow "${dep}", which was not found`, node: node.name, path });
        continue;
      }
      const chain = findLoop(dep, [a.name], env, new Set());
      if (chain) {
        problems.push({ code: 'flow_recursion', message: `node "${node.name}" makes flows call themselves: ${chain.join(' → ')}`, node: node.name, path });
      }
    }
  }
  return problems;
}

function findLoop(name: string, chain: string[], env: ValidateEnv, done: Set<string>): string[] | undefined {
  if (chain.includes(name)) return [...chain, name];
  if (done.has(name)) return undefined;
  done.add(name);
  const raw = env.resolveFlow?.(name);
  for (const next of flowsUsedBy(raw, env)) {
    const loop = findLoop(next, [...chain, name], env, done);
    if (loop) return loop;
  }
  return undefined;
}
