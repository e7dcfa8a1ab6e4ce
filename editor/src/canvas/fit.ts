import type { ReactFlowInstance, Viewport } from '@xyflow/react';
import type { WeirEdge, WeirNode } from './rf-graph.ts';

/**
 * The smallest zoom a flow opens at: above the zoom below which the canvas stops drawing port
 * labels (`far` in flow-canvas.tsx, 0.45), so what opens can be read. A flow too big to fit whole at
 * this zoom opens at its start (the inputs, on the left) instead of shrinking out of reading.
 */
export const READABLE_ZOOM = 0.75;
const PAD = 32;
/** A box's size before the canvas has measured it (a big flow's off-screen boxes never are). */
const BOX = { width: 240, height: 96 };

type Placed = Pick<WeirNode, 'position'> & { measured?: { width?: number; height?: number } };

/**
 * Where a flow opens, from its boxes' positions alone: fitted (at most 100 %), no smaller than
 * READABLE_ZOOM; cut, its top left. Worked out without waiting for the canvas to measure boxes, so
 * nothing fits the view again once they are (that raced: a big flow sometimes opened at its middle).
 */
export function openingViewport(nodes: Placed[], pane: { width: number; height: number }): Viewport | undefined {
  if (!nodes.length || pane.width <= 0 || pane.height <= 0) return undefined;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const n of nodes) {
    minX = Math.min(minX, n.position.x);
    minY = Math.min(minY, n.position.y);
    maxX = Math.max(maxX, n.position.x + (n.measured?.width ?? BOX.width));
    maxY = Math.max(maxY, n.position.y + (n.measured?.height ?? BOX.height));
  }
  const w = maxX - minX, h = maxY - minY;
  const fit = Math.min(1, (pane.width - 2 * PAD) / w, (pane.height - 2 * PAD) / h);
  const zoom = Math.max(fit, READABLE_ZOOM);
  const axis = (size: number, paneSize: number, min: number) => (size * zoom + 2 * PAD <= paneSize ? (paneSize - size * zoom) / 2 - min * zoom : PAD - min * zoom);
  return { x: axis(w, pane.width, minX), y: axis(h, pane.height, minY), zoom };
}

/** Opens the flow at its opening viewport (see openingViewport). */
export async function fitReadable(flow: ReactFlowInstance<WeirNode, WeirEdge>, pane: Element | null): Promise<void> {
  const at = pane && openingViewport(flow.getNodes(), pane.getBoundingClientRect());
  if (at) await flow.setViewport(at);
}
