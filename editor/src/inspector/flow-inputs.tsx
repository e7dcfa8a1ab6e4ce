import type { FlowDoc, FlowInputDoc, FlowInputType } from '../api/types.ts';
import { useEditor } from '../canvas/store.ts';
import { uniqueName } from '../flow/names.ts';
import { portNameProblem } from './bindings.ts';
import { defaultText, INPUT_TYPES, parseDefault, removeFlowInput, renameFlowInput, retype, setFlowInput } from './flow-edits.ts';
import { RenameField } from './rename-field.tsx';
import { useDraft } from './use-draft.ts';

const commit = (fn: (d: FlowDoc) => FlowDoc, key?: string) => {
  const s = useEditor.getState();
  s.commit(fn(s.doc), key);
};

function DefaultField({ name, input, readOnly }: { name: string; input: FlowInputDoc; readOnly: boolean }) {
  const { text, edit } = useDraft(defaultText(input.default, input.type));
  const error = parseDefault(text, input.type).error;
  return (
    <label className="field insp-field">
      <span className="field-label">default</span>
      <input type="text" aria-label={`Default of ${name}`} aria-invalid={!!error} className={`mono ${error ? 'insp-invalid' : ''}`} value={text} readOnly={readOnly}
        placeholder={input.optional ? 'none' : 'none (the input is required)'}
        onChange={(e) => {
          const t = e.target.value;
          const p = parseDefault(t, input.type);
          if (p.error) return edit(t);
          edit(t, defaultText(p.value, input.type));
          const { default: _d, ...rest } = input;
          commit((d) => setFlowInput(d, name, p.value === undefined ? rest : { ...rest, default: p.value }), `flow-input:${name}.default`);
        }} />
      {error && <span className="error-text" role="alert">{error}</span>}
    </label>
  );
}

function InputCard({ name, input, taken, readOnly }: { name: string; input: FlowInputDoc; taken: string[]; readOnly: boolean }) {
  const set = (next: FlowInputDoc, key?: string) => commit((d) => setFlowInput(d, name, next), key);
  return (
    <div className="insp-card" data-flow-input={name}>
      <div className="row">
        <RenameField value={name} label={`Input name ${name}`} readOnly={readOnly} className="grow"
          problem={(to) => portNameProblem(to, taken.filter((t) => t !== name))}
          onRename={(to) => commit((d) => renameFlowInput(d, name, to))} />
        <select aria-label={`Type of ${name}`} value={input.type ?? 'string'} disabled={readOnly}
          onChange={(e) => set(retype(input, e.target.value as FlowInputType))}>
          {INPUT_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
        </select>
        {!readOnly && <button type="button" className="small ghost" aria-label={`Remove input ${name}`} title="Remove input" onClick={() => commit((d) => removeFlowInput(d, name))}>✕</button>}
      </div>
      <DefaultField name={name} input={input} readOnly={readOnly} />
      <label className="field insp-field">
        <span className="field-label">description</span>
        <input type="text" aria-label={`Description of ${name}`} value={input.description ?? ''} readOnly={readOnly}
          onChange={(e) => {
            const { description: _d, ...rest } = input;
            set(e.target.value ? { ...rest, description: e.target.value } : rest, `flow-input:${name}.description`);
          }} />
      </label>
      <label className="row insp-check">
        <input type="checkbox" checked={!!input.optional} disabled={readOnly}
          onChange={(e) => {
            const { optional: _o, ...rest } = input;
            set(e.target.checked ? { ...rest, optional: true } : rest);
          }} />
        <span>optional</span>
      </label>
    </div>
  );
}

/** The flow's inputs: what a caller passes in (and the Inputs box on the canvas draws). */
export function FlowInputs({ doc, readOnly }: { doc: FlowDoc; readOnly: boolean }) {
  const inputs = doc.inputs ?? {};
  const names = Object.keys(inputs);
  return (
    <div className="stack">
      {!names.length && <p className="muted insp-empty">No inputs.</p>}
      {names.map((n) => <InputCard key={n} name={n} input={inputs[n]} taken={names} readOnly={readOnly} />)}
      {!readOnly && (
        <div>
          <button type="button" className="small" onClick={() => commit((d) => setFlowInput(d, uniqueName('input', new Set(Object.keys(d.inputs ?? {}))), { type: 'string' }))}>
            + Add input
          </button>
        </div>
      )}
    </div>
  );
}
