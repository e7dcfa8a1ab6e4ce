import dagre from '@dagrejs/dagre';

export interface Box {
  id: string;
  width: number;
  height: number;
}

/**
 * Room each box is laid out with beyond its drawn size: a run adds a status line and up to three
 * lines of streamed text under a node (~90 px), and long text widens a box to its 280 px maximum.
 * Boxes get it below and to the right, so a run never pushes one onto its neighbour.
 */
export const GROW = { width: 280, height: 90 };

/** Left-to-right layered positions (top-left corners) for boxes joined by edges: sources left of their targets. */
export function layeredLayout(boxes: Box[], edges: { source: string; target: string }[]): Record<string, [number, number]> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 100, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  const room = (b: Box) => ({ width: Math.max(b.width, GROW.width), height: b.height + GROW.height });
  for (const b of boxes) g.setNode(b.id, room(b));
  for (const e of edges) if (g.hasNode(e.source) && g.hasNode(e.target) && e.source !== e.target) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const out: Record<string, [number, number]> = {};
  for (const b of boxes) {
    const n = g.node(b.id);
    const r = room(b);
    out[b.id] = [Math.round(n.x - r.width / 2), Math.round(n.y - r.height / 2)];
  }
  return out;
}
