import { useEditor } from '../canvas/store.ts';
import { removeNodes } from '../flow/edit.ts';

/** Several nodes selected: how many, and the one thing done to all of them here. */
export function MultiSelection({ names, readOnly }: { names: string[]; readOnly: boolean }) {
  return (
    <header className="insp-head">
      <h2 className="insp-title">{names.length} nodes selected</h2>
      <p className="muted insp-names">{names.join(', ')}</p>
      {!readOnly && (
        <button type="button" className="danger small"
          onClick={() => {
            const s = useEditor.getState();
            s.commit(removeNodes(s.doc, new Set(names)));
          }}>
          Delete {names.length} nodes
        </button>
      )}
    </header>
  );
}
