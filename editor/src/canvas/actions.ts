/** Canvas commands shared by the toolbar, the keyboard and the context of the canvas. */
import type { FlowNodeDoc } from '../api/types.ts';
import { disconnect, insertCopies, moveNodes, removeNodes } from '../flow/edit.ts';
import { INPUTS_NODE, OUTPUTS_NODE } from '../flow/ports.ts';
import { parseRef } from '../flow/refs.ts';
import { useEditor } from './store.ts';

const isIo = (id: string) => id === INPUTS_NODE || id === OUTPUTS_NODE;

interface Clip {
  nodes: FlowNodeDoc[];
  positions: Record<string, [number, number]>;
}
let clip: Clip | undefined;
let pastes = 0;

export function selectedNames(): string[] {
  return useEditor.getState().nodes.filter((n) => n.selected && !isIo(n.id)).map((n) => n.id);
}

/** Deletes the selected nodes and edges as one undo step. */
export function deleteSelection(): void {
  const s = useEditor.getState();
  let doc = s.doc;
  for (const e of s.edges.filter((x) => x.selected && x.data)) {
    doc = disconnect(doc, e.target, e.targetHandle!, parseRef(e.data!.ref.slice(2, -1)));
  }
  const names = new Set(selectedNames());
  if (names.size) doc = removeNodes(doc, names);
  s.commit(doc);
}

export function copySelection(): number {
  const s = useEditor.getState();
  const names = new Set(selectedNames());
  if (!names.size) return 0;
  clip = {
    nodes: structuredClone(s.doc.nodes.filter((n) => names.has(n.name))),
    positions: Object.fromEntries([...names].map((n) => [n, s.doc.layout?.[n] ?? [0, 0]])),
  };
  pastes = 0;
  void navigator.clipboard?.writeText(JSON.stringify({ weir_nodes: clip })).catch(() => undefined);
  return names.size;
}

/** Pastes the copied nodes, offset each time so repeated pastes do not stack; selects the copies. */
export function paste(): void {
  if (!clip) return;
  const s = useEditor.getState();
  pastes++;
  const { doc, names } = insertCopies(s.doc, clip.nodes, clip.positions, [40 * pastes, 40 * pastes]);
  s.commit(doc);
  s.select(names);
}

export function duplicateSelection(): void {
  if (copySelection()) paste();
}

export function selectAll(): void {
  const s = useEditor.getState();
  s.select(s.nodes.map((n) => n.id));
}

/** Lays the whole flow out left to right, using the sizes the boxes were drawn at. */
export async function autoLayout(): Promise<void> {
  // dagre loads on first use: most sessions never lay out.
  const { layeredLayout } = await import('./auto-layout.ts');
  const s = useEditor.getState();
  const boxes = s.nodes.map((n) => ({ id: n.id, width: n.measured?.width ?? 220, height: n.measured?.height ?? 100 }));
  s.commit(moveNodes(s.doc, layeredLayout(boxes, s.edges)));
  s.requestFit();
}
