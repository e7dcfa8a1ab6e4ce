import type { FlowDoc, FlowVersion } from '../api/types.ts';
import type { Mark } from '../canvas/rf-graph.ts';
import { INPUTS_NODE, OUTPUTS_NODE } from '../flow/ports.ts';
import type { FlowDiffResult, Side } from './publish-api.ts';

export interface DiffView {
  /** The "to" document plus the nodes the "from" side had and "to" lost, so they stay visible. */
  doc: FlowDoc;
  marks: Record<string, Mark>;
}

const hasChanges = (k: { added: string[]; removed: string[]; changed: string[] }) => k.added.length + k.removed.length + k.changed.length > 0;

/**
 * What the canvas shows for a diff. Neither document is modified: `to` may be the live draft, and
 * the store compares node objects by identity to redraw only what changed.
 */
export function diffView(diff: FlowDiffResult, from: FlowDoc, to: FlowDoc): DiffView {
  const marks: Record<string, Mark> = {};
  for (const n of diff.nodes.added) marks[n] = 'added';
  for (const c of diff.nodes.changed) marks[c.name] = 'changed';
  if (hasChanges(diff.inputs)) marks[INPUTS_NODE] = 'changed';
  if (hasChanges(diff.outputs)) marks[OUTPUTS_NODE] = 'changed';

  const present = new Set(to.nodes.map((n) => n.name));
  const removed = from.nodes.filter((n) => diff.nodes.removed.includes(n.name) && !present.has(n.name));
  if (!removed.length) return { doc: to, marks };

  const layout = { ...to.layout };
  // A removed node without a saved position goes in a row under everything else rather than on top of a live node.
  const ys = Object.values(layout).map((p) => p[1]);
  const below = (ys.length ? Math.max(...ys) : 0) + 220;
  removed.forEach((n, i) => {
    marks[n.name] = 'removed';
    layout[n.name] = from.layout?.[n.name] ?? [i * 260, below];
  });
  return { doc: { ...to, nodes: [...to.nodes, ...removed], layout }, marks };
}

export const sideLabel = (s: Side) => (s === 'draft' ? 'draft' : `v${s}`);
export const diffLabel = (from: Side, to: Side) => `${sideLabel(from)} → ${sideLabel(to)}`;

/**
 * The comparison the panel opens with: previous → latest once there are two versions, else
 * latest → draft (what publishing now would change). Undefined when nothing is published.
 */
export function defaultRange(versions: FlowVersion[]): { from: number; to: Side } | undefined {
  const nums = versions.map((v) => v.version).sort((a, b) => a - b);
  if (!nums.length) return undefined;
  const latest = nums[nums.length - 1];
  return nums.length >= 2 ? { from: nums[nums.length - 2], to: latest } : { from: latest, to: 'draft' };
}

/** Whether a diff found anything at all. */
export function isEmptyDiff(d: FlowDiffResult): boolean {
  return !d.nodes.added.length && !d.nodes.removed.length && !d.nodes.changed.length && !hasChanges(d.inputs) && !hasChanges(d.outputs);
}

/** One-line count for the panel header: "1 added · 2 changed · 1 removed". */
export function diffCounts(d: FlowDiffResult): string {
  const parts: string[] = [];
  if (d.nodes.added.length) parts.push(`${d.nodes.added.length} added`);
  if (d.nodes.changed.length) parts.push(`${d.nodes.changed.length} changed`);
  if (d.nodes.removed.length) parts.push(`${d.nodes.removed.length} removed`);
  const io = [hasChanges(d.inputs) && 'inputs', hasChanges(d.outputs) && 'outputs'].filter(Boolean);
  if (io.length) parts.push(`${io.join(' and ')} changed`);
  return parts.length ? parts.join(' · ') : 'no changes';
}
