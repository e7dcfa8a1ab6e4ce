import { useReactFlow } from '@xyflow/react';
import { useCallback } from 'react';
import { addNode } from '../flow/edit.ts';
import { INPUTS_NODE, nodeView, OUTPUTS_NODE } from '../flow/ports.ts';
import { starterConfig } from '../inspector/python-starter.ts';
import { estimateSize, freeSpot, type Rect } from './placement.ts';
import { useEditor } from './store.ts';

/** The boxes as drawn: measured once React Flow has drawn them, estimated until then (a node just added). */
function drawnBoxes(): Rect[] {
  return useEditor.getState().nodes.map((n) => {
    const guess = n.measured?.width && n.measured.height ? undefined : estimateSize(n.data.view);
    return { x: n.position.x, y: n.position.y, width: n.measured?.width ?? guess!.width, height: n.measured?.height ?? guess!.height };
  });
}

/** Adds a node of `type` at the free spot nearest `want` (its top-left corner), and selects it. */
function placeNear(type: string, want: { x: number; y: number }): void {
  const s = useEditor.getState();
  const size = estimateSize(nodeView({ name: type, type, inputs: {} }, s.types[type]));
  const { doc, name } = addNode(s.doc, type, freeSpot(want, size, drawnBoxes()), starterConfig(type));
  s.commit(doc);
  s.select([name]);
}

/**
 * Adding from the palette (its + or Enter): beside the one selected node, else in the middle of the
 * view; dropping: under the pointer. Either way into free space, never on top of another box.
 */
export function usePlaceNode(): { add: (type: string) => void; drop: (type: string, clientX: number, clientY: number) => void } {
  const flow = useReactFlow();
  const add = useCallback(
    (type: string) => {
      const s = useEditor.getState();
      const selected = s.nodes.filter((n) => n.selected && n.id !== INPUTS_NODE && n.id !== OUTPUTS_NODE);
      if (selected.length === 1) {
        const n = selected[0];
        return placeNear(type, { x: n.position.x + (n.measured?.width ?? estimateSize(n.data.view).width) + 60, y: n.position.y });
      }
      const el = document.querySelector('.canvas')?.getBoundingClientRect();
      const c = el ? flow.screenToFlowPosition({ x: el.left + el.width / 2, y: el.top + el.height / 2 }) : { x: 0, y: 0 };
      placeNear(type, { x: c.x - 140, y: c.y - 60 });
    },
    [flow],
  );
  const drop = useCallback((type: string, clientX: number, clientY: number) => placeNear(type, flow.screenToFlowPosition({ x: clientX, y: clientY })), [flow]);
  return { add, drop };
}
