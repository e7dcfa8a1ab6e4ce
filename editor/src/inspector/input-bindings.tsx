import { useState } from 'react';
import type { FlowNodeDoc, NodeTypeInfo } from '../api/types.ts';
import { useEditor } from '../canvas/store.ts';
import { updateNode } from '../flow/edit.ts';
import { schemaTag } from '../flow/port-compat.ts';
import { bindingText, inputRows, parseBindingText, portNameProblem, setBinding, unknownInputs, unknownNodes, type InputRow } from './bindings.ts';
import { useDraft } from './use-draft.ts';

function commitBinding(node: string, name: string, value: unknown, key?: string) {
  const s = useEditor.getState();
  s.commit(updateNode(s.doc, node, (n) => setBinding(n, name, value)), key);
}

function BindingRow({ node, row, readOnly }: { node: string; row: InputRow; readOnly: boolean }) {
  const { text, edit } = useDraft(bindingText(row.value));
  const parsed = parseBindingText(text, row.schema);
  // Dangling names are worth a word while typing; the server's check comes only after saving.
  const doc = useEditor((s) => (s.viewing ? null : s.doc));
  const missing = doc && !parsed.error ? [...unknownNodes(parsed.value, doc).map((n) => `no node named "${n}"`), ...unknownInputs(parsed.value, doc).map((n) => `the flow has no input "${n}"`)] : [];
  const tag = row.schema ? schemaTag(row.schema) : 'any';
  return (
    <div className="insp-binding" data-input={row.name}>
      <div className="row insp-binding-head">
        <span className="insp-port-name">
          {row.name}
          {row.required && <span className="req" title="required"> *</span>}
        </span>
        <span className="tag">{tag}</span>
        <span className="spacer" />
        {!readOnly && !row.declared && (
          <button type="button" className="small ghost" aria-label={`Remove ${row.name}`} title="Remove input" onClick={() => commitBinding(node, row.name, undefined)}>✕</button>
        )}
      </div>
      <input
        type="text"
        aria-label={`Input ${row.name}`}
        aria-invalid={!!parsed.error}
        className={`mono ${parsed.error ? 'insp-invalid' : ''}`}
        value={text}
        readOnly={readOnly}
        spellCheck={false}
        placeholder={row.declared ? (row.required ? 'required: ${node.output} or a value' : 'not bound') : 'a ${reference} or a value'}
        onChange={(e) => {
          const t = e.target.value;
          const p = parseBindingText(t, row.schema);
          if (p.error) return edit(t);
          // An extra input exists by its name: emptied, it stays as an empty string until removed.
          const value = p.value === undefined && !row.declared ? '' : p.value;
          edit(t, bindingText(value));
          commitBinding(node, row.name, value, `input:${node}.${row.name}`);
        }}
      />
      {parsed.error && <span className="error-text" role="alert">{parsed.error}</span>}
      {missing.map((m) => <span key={m} className="insp-warn">{m}</span>)}
    </div>
  );
}

function AddInput({ node, taken }: { node: string; taken: string[] }) {
  const [name, setName] = useState('');
  const problem = name ? portNameProblem(name, taken) : null;
  const add = () => {
    if (!name || problem) return;
    commitBinding(node, name, '');
    setName('');
  };
  return (
    <div className="insp-add">
      <div className="row">
        <input type="text" aria-label="New input name" placeholder="new input name" value={name} spellCheck={false}
          onChange={(e) => setName(e.target.value.trim())} onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), add())} />
        <button type="button" className="small" onClick={add} disabled={!name || !!problem}>Add input</button>
      </div>
      {problem && <span className="error-text" role="alert">{problem}</span>}
    </div>
  );
}

/** A node's inputs: what each is bound to (a `${…}` reference, a template or a literal). */
export function InputBindings({ node, info, readOnly }: { node: FlowNodeDoc; info: NodeTypeInfo | undefined; readOnly: boolean }) {
  const rows = inputRows(node, info);
  return (
    <div className="stack insp-bindings">
      {!rows.length && <p className="muted insp-empty">{info?.extra_inputs ? 'No inputs yet: add the names the node uses.' : 'This node takes no inputs.'}</p>}
      {rows.map((r) => <BindingRow key={r.name} node={node.name} row={r} readOnly={readOnly} />)}
      {info?.extra_inputs && !readOnly && <AddInput node={node.name} taken={rows.map((r) => r.name)} />}
    </div>
  );
}
