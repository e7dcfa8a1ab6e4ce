import type { ReactFlowInstance } from '@xyflow/react';
import type { WeirEdge, WeirNode } from './rf-graph.ts';

/**
 * The smallest zoom a flow opens at: above the zoom below which the canvas stops drawing port
 * labels (`far` in flow-canvas.tsx, 0.45), so what opens can be read. A flow too big to fit whole at
 * this zoom opens at its start (the inputs, on the left) instead of shrinking out of reading.
 */
export const READABLE_ZOOM = 0.75;
const PAD = 32;

export const OPEN_FIT = { padding: 0.2, maxZoom: 1, minZoom: READABLE_ZOOM } as const;

/** Fits the flow in view, no smaller than READABLE_ZOOM; cut, it shows its left side. */
export async function fitReadable(flow: ReactFlowInstance<WeirNode, WeirEdge>, pane: Element | null): Promise<void> {
  await flow.fitView(OPEN_FIT);
  const { zoom } = flow.getViewport();
  const nodes = flow.getNodes();
  if (!pane || !nodes.length || zoom > READABLE_ZOOM + 1e-3) return;
  const b = flow.getNodesBounds(nodes);
  const { width, height } = pane.getBoundingClientRect();
  if (b.width * zoom + 2 * PAD <= width && b.height * zoom + 2 * PAD <= height) return;
  const y = b.height * zoom + 2 * PAD <= height ? (height - b.height * zoom) / 2 - b.y * zoom : PAD - b.y * zoom;
  await flow.setViewport({ x: PAD - b.x * zoom, y, zoom });
}
