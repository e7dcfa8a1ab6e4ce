import dagre from '@dagrejs/dagre';

export interface Box {
  id: string;
  width: number;
  height: number;
}

/** Left-to-right layered positions (top-left corners) for boxes joined by edges. */
export function layeredLayout(boxes: Box[], edges: { source: string; target: string }[]): Record<string, [number, number]> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 90, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const b of boxes) g.setNode(b.id, { width: b.width, height: b.height });
  for (const e of edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const out: Record<string, [number, number]> = {};
  for (const b of boxes) {
    const n = g.node(b.id);
    out[b.id] = [Math.round(n.x - b.width / 2), Math.round(n.y - b.height / 2)];
  }
  return out;
}
