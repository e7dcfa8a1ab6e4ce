import type { FlowDoc } from '../api/types.ts';
import { useEditor } from '../canvas/store.ts';
import { uniqueName } from '../flow/names.ts';
import { parseBindingText, portNameProblem, unknownNodes } from './bindings.ts';
import { outputText, removeOutput, renameOutput, setOutputRef } from './flow-edits.ts';
import { RenameField } from './rename-field.tsx';
import { useDraft } from './use-draft.ts';

const commit = (fn: (d: FlowDoc) => FlowDoc, key?: string) => {
  const s = useEditor.getState();
  s.commit(fn(s.doc), key);
};

function OutputRow({ name, text: stored, doc, taken, readOnly }: { name: string; text: string; doc: FlowDoc; taken: string[]; readOnly: boolean }) {
  const { text, edit } = useDraft(stored);
  // An output is a string in the file: a reference, or a template mixing text and references.
  const p = parseBindingText(text, { type: 'string' });
  const missing = p.error ? [] : unknownNodes(text, doc);
  return (
    <div className="insp-card" data-flow-output={name}>
      <div className="row">
        <RenameField value={name} label={`Output name ${name}`} readOnly={readOnly} className="grow"
          problem={(to) => portNameProblem(to, taken.filter((t) => t !== name))}
          onRename={(to) => commit((d) => renameOutput(d, name, to))} />
        {!readOnly && <button type="button" className="small ghost" aria-label={`Remove output ${name}`} title="Remove output" onClick={() => commit((d) => removeOutput(d, name))}>✕</button>}
      </div>
      <input type="text" aria-label={`Output ${name}`} aria-invalid={!!p.error} className={`mono ${p.error ? 'insp-invalid' : ''}`} value={text} readOnly={readOnly}
        spellCheck={false} placeholder="${node.output}"
        onChange={(e) => {
          const t = e.target.value;
          if (parseBindingText(t, { type: 'string' }).error) return edit(t);
          edit(t, t);
          commit((d) => setOutputRef(d, name, t), `flow-output:${name}`);
        }} />
      {p.error && <span className="error-text" role="alert">{p.error}</span>}
      {missing.map((m) => <span key={m} className="insp-warn">no node named “{m}”</span>)}
    </div>
  );
}

/** The flow's outputs: each a name and the reference it returns. */
export function FlowOutputs({ doc, readOnly }: { doc: FlowDoc; readOnly: boolean }) {
  const outputs = doc.outputs ?? {};
  const names = Object.keys(outputs);
  return (
    <div className="stack">
      {!names.length && <p className="muted insp-empty">No outputs: connect a node to the Outputs box, or add one here.</p>}
      {names.map((n) => <OutputRow key={n} name={n} text={outputText(outputs[n])} doc={doc} taken={names} readOnly={readOnly} />)}
      {!readOnly && (
        <div>
          <button type="button" className="small" onClick={() => commit((d) => setOutputRef(d, uniqueName('output', new Set(Object.keys(d.outputs ?? {}))), ''))}>
            + Add output
          </button>
        </div>
      )}
    </div>
  );
}
