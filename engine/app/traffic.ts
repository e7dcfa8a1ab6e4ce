import { WeirError } from '../errors.ts';
import type { DeploymentRow } from '../store/types.ts';

/**
 * The version number that serves one call: the one the caller pinned (it must be in the split), or
 * one drawn in proportion to its weight over the weights' total, whatever that total is.
 */
export function servedVersion(d: Pick<DeploymentRow, 'name' | 'traffic'>, pinned: number | undefined, random = Math.random): number {
  if (pinned !== undefined) {
    if (!d.traffic.some((t) => t.version === pinned)) {
      throw new WeirError('version_not_deployed', `version ${pinned} is not deployed on "${d.name}" (deployed: ${d.traffic.map((t) => t.version).join(', ')})`);
    }
    return pinned;
  }
  const total = d.traffic.reduce((s, t) => s + t.weight, 0);
  let r = random() * total;
  // Float sums can leave r a hair above 0 after the last weight (0.3 + 0.7 do): that draw goes to
  // the last version with weight, never to one set to 0 to take it out of traffic.
  let number = d.traffic[d.traffic.length - 1].version;
  for (const t of d.traffic) if (t.weight > 0) number = t.version;
  // A weight of 0 never takes r below 0 (r stays >= 0 until it does), so it is never drawn here.
  for (const t of d.traffic) {
    if ((r -= t.weight) < 0) return t.version;
  }
  return number;
}
