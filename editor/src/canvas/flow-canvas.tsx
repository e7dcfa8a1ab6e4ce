import {
  Background, Controls, MiniMap, ReactFlow, useReactFlow, useStore,
  type Connection as RfConnection, type FinalConnectionState, type IsValidConnection,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { connect, disconnect, removeNodes, type Connection } from '../flow/edit.ts';
import { INPUTS_NODE, OUTPUTS_NODE } from '../flow/ports.ts';
import { parseRef } from '../flow/refs.ts';
import { connectionProblem } from './connect-rules.ts';
import { fitReadable } from './fit.ts';
import { DRAG_TYPE } from './palette.tsx';
import { usePanels } from './panels.ts';
import { usePlaceNode } from './place-node.ts';
import type { WeirEdge, WeirNode } from './rf-graph.ts';
import { useEditor } from './store.ts';
import { WeirNodeBox } from './weir-node.tsx';

const nodeTypes = { weir: WeirNodeBox };
const asConnection = (c: RfConnection | WeirEdge): Connection => ({ source: c.source, sourceHandle: c.sourceHandle ?? 'out', target: c.target, targetHandle: c.targetHandle ?? '' });

/** Where a refused wire was dropped, and why: shown on the spot, beside the pointer. */
interface Refusal {
  x: number;
  y: number;
  text: string;
}

export function FlowCanvas() {
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  const readOnly = useEditor((s) => !!s.viewing);
  const empty = useEditor((s) => !s.viewing && s.doc.nodes.length === 0);
  const fitRequest = useEditor((s) => s.fitRequest);
  const onNodesChange = useEditor((s) => s.onNodesChange);
  const onEdgesChange = useEditor((s) => s.onEdgesChange);
  const flow = useReactFlow<WeirNode, WeirEdge>();
  const [refusal, setRefusal] = useState<Refusal>();
  // Zoomed far out the port labels are too small to read: not drawing them keeps big flows smooth.
  const far = useStore((s) => s.transform[2] < 0.45);
  // While a box is dragged, the pointer needs no hit tests against hundreds of edge paths.
  const [dragging, setDragging] = useState(false);
  const lastProblem = useRef<string | null>(null);
  const place = usePlaceNode();
  const box = useRef<HTMLDivElement>(null);

  // Opening (and coming back from the YAML view): fitted, but never below a readable zoom.
  useEffect(() => {
    void fitReadable(flow, box.current);
  }, [flow]);
  useEffect(() => {
    if (fitRequest) requestAnimationFrame(() => void flow.fitView({ padding: 0.2, maxZoom: 1, duration: 200 }));
  }, [fitRequest, flow]);
  useEffect(() => {
    if (!refusal) return;
    const t = setTimeout(() => setRefusal(undefined), 4000);
    return () => clearTimeout(t);
  }, [refusal]);

  const isValidConnection: IsValidConnection<WeirEdge> = useCallback((c) => {
    const s = useEditor.getState();
    lastProblem.current = connectionProblem(s.doc, s.types, asConnection(c));
    return lastProblem.current === null;
  }, []);

  const onConnect = useCallback((c: RfConnection) => {
    const s = useEditor.getState();
    s.commit(connect(s.doc, asConnection(c)).doc);
  }, []);

  const onConnectEnd = useCallback((event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    if (state.isValid !== false || !state.toHandle || !lastProblem.current) return;
    const p = 'changedTouches' in event ? event.changedTouches[0] : event;
    setRefusal({ x: p.clientX, y: p.clientY, text: lastProblem.current });
  }, []);

  const onDelete = useCallback(({ nodes: ns, edges: es }: { nodes: WeirNode[]; edges: WeirEdge[] }) => {
    const s = useEditor.getState();
    let doc = s.doc;
    for (const e of es) if (e.data) doc = disconnect(doc, e.target, e.targetHandle!, parseRef(e.data.ref.slice(2, -1)));
    const names = new Set(ns.map((n) => n.id).filter((id) => id !== INPUTS_NODE && id !== OUTPUTS_NODE));
    if (names.size) doc = removeNodes(doc, names);
    s.commit(doc);
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(DRAG_TYPE);
      if (!type) return;
      e.preventDefault();
      place.drop(type, e.clientX, e.clientY);
    },
    [place],
  );

  return (
    <div ref={box} className={['canvas', far && 'far', dragging && 'dragging'].filter(Boolean).join(' ')} onDragOver={(e) => e.dataTransfer.types.includes(DRAG_TYPE) && (e.preventDefault(), (e.dataTransfer.dropEffect = 'move'))} onDrop={onDrop}>
      <ReactFlow<WeirNode, WeirEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onDelete={onDelete}
        onNodeDoubleClick={() => usePanels.getState().show('inspector')}
        onNodeDragStart={() => setDragging(true)}
        onNodeDragStop={() => setDragging(false)}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
        multiSelectionKeyCode={['Meta', 'Control', 'Shift']}
        selectionKeyCode="Shift"
        onlyRenderVisibleElements={nodes.length > 120}
        minZoom={0.1}
        proOptions={{ hideAttribution: true }}
      >
        {!far && <Background gap={20} size={1} />}
        <MiniMap pannable zoomable ariaLabel="Minimap" style={{ width: 160, height: 110 }} nodeClassName={(n) => `mm-${(n as WeirNode).data.run?.status ?? (n as WeirNode).data.mark ?? ''}`} />
        <Controls showInteractive={false} />
      </ReactFlow>
      {refusal && (
        <div className="refusal" role="alert" style={{ left: refusal.x + 12, top: refusal.y + 12 }}>
          Can’t connect: {refusal.text}
        </div>
      )}
      {readOnly && <ViewingBanner />}
      {empty && (
        <div className="canvas-hint" data-testid="canvas-hint">
          <strong>Start here:</strong> drag a node from the palette onto the canvas (or press its +). Wire an
          output handle (right side) to an input handle (left side): from <em>Inputs</em>, through your nodes,
          into <em>Outputs</em>. Then press <em>Run</em> below.
        </div>
      )}
    </div>
  );
}

function ViewingBanner() {
  const label = useEditor((s) => s.viewing?.label);
  const setMarks = useEditor((s) => s.setMarks);
  return (
    <div className="viewing-banner">
      Viewing {label} (read-only)
      <button className="small" onClick={() => setMarks(undefined, undefined)}>Back to draft</button>
    </div>
  );
}
