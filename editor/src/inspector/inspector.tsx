import { useEditor } from '../canvas/store.ts';
import { INPUTS_NODE, OUTPUTS_NODE } from '../flow/ports.ts';
import '../styles/inspector.css';
import { FlowSettings } from './flow-settings.tsx';
import { MultiSelection } from './multi-selection.tsx';
import { NodeInspector } from './node-inspector.tsx';

/**
 * The selected node names as one string: the selector's result compares by value, so dragging or
 * redrawing the canvas does not re-render the panel while the selection stays the same.
 */
const selectedKey = (s: { nodes: { id: string; selected?: boolean }[] }) =>
  s.nodes.filter((n) => n.selected && n.id !== INPUTS_NODE && n.id !== OUTPUTS_NODE).map((n) => n.id).join('\n');

/** The right-hand panel: the selected node, several nodes, or (nothing selected) the flow itself. */
export function Inspector() {
  const key = useEditor(selectedKey);
  const viewing = useEditor((s) => s.viewing);
  const readOnly = !!viewing;
  const names = key ? key.split('\n') : [];
  return (
    <aside className="inspector" id="editor-inspector" aria-label="Inspector">
      {viewing && <div className="insp-readonly" role="status">Viewing {viewing.label} — read-only</div>}
      {names.length === 1 ? (
        <NodeInspector key={names[0]} name={names[0]} readOnly={readOnly} />
      ) : names.length > 1 ? (
        <MultiSelection names={names} readOnly={readOnly} />
      ) : (
        <FlowPanel readOnly={readOnly} />
      )}
    </aside>
  );
}

function FlowPanel({ readOnly }: { readOnly: boolean }) {
  const doc = useEditor((s) => s.viewing?.doc ?? s.doc);
  return <FlowSettings doc={doc} readOnly={readOnly} />;
}
