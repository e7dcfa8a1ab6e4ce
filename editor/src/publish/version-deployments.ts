import type { FlowDeployment } from '../deployments/deployments-api.ts';

/** One place a version is served: a deployment of the flow and the share of its traffic. */
export interface Placement {
  deployment: string;
  weight: number;
}

/** For each version number, the deployments serving it (largest share first), from GET /api/deployments. */
export function placements(deployments: FlowDeployment[]): Map<number, Placement[]> {
  const out = new Map<number, Placement[]>();
  for (const d of deployments) {
    for (const t of d.traffic) {
      if (t.weight <= 0) continue;
      const list = out.get(t.version) ?? [];
      list.push({ deployment: d.name, weight: t.weight });
      out.set(t.version, list);
    }
  }
  for (const list of out.values()) list.sort((a, b) => b.weight - a.weight || a.deployment.localeCompare(b.deployment));
  return out;
}
