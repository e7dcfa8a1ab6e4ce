import { useMemo } from 'react';
import type { FlowNodeDoc } from '../api/types.ts';
import { useEditor } from '../canvas/store.ts';
import { renameNode, updateNode } from '../flow/edit.ts';
import { nameProblem } from '../flow/names.ts';
import { NodeRunDetail } from '../run/node-run-detail.tsx';
import { ProblemList } from './flow-settings.tsx';
import { InputBindings } from './input-bindings.tsx';
import { NodeBehaviour } from './node-behaviour.tsx';
import { PythonConfig } from './python-config.tsx';
import { withInstancePorts } from '../flow/signature-ports.ts';
import { RenameField } from './rename-field.tsx';
import { SchemaForm } from './schema-form.tsx';
import { JsonField } from './schema-fields.tsx';
import { Section } from './section.tsx';

const edit = (name: string, fn: (n: FlowNodeDoc) => FlowNodeDoc, key?: string) => {
  const s = useEditor.getState();
  s.commit(updateNode(s.doc, name, fn), key);
};

function setConfig(name: string, next: Record<string, unknown> | undefined, path: string) {
  edit(name, (n) => {
    if (next) return { ...n, config: next };
    const { config: _c, ...rest } = n;
    return rest;
  }, `config:${name}.${path}`);
}

function rename(from: string, to: string) {
  const s = useEditor.getState();
  s.commit(renameNode(s.doc, from, to));
  // The canvas knows nodes by name: keep the renamed one selected (and this panel on it).
  s.select([to]);
}

/** Everything about one node: name, config form, input bindings, run behaviour, problems, last run. */
export function NodeInspector({ name, readOnly }: { name: string; readOnly: boolean }) {
  const node = useEditor((s) => (s.viewing?.doc ?? s.doc).nodes.find((n) => n.name === name));
  const info = useEditor((s) => (node ? s.types[node.type] : undefined));
  const allProblems = useEditor((s) => s.problems);
  const problems = useMemo(() => (readOnly ? [] : allProblems.filter((p) => p.node === name)), [allProblems, name, readOnly]);
  if (!node) return <p className="muted insp-empty">“{name}” is not in this flow.</p>;

  const taken = () => new Set(useEditor.getState().doc.nodes.map((n) => n.name).filter((n) => n !== name));
  return (
    <>
      <header className="insp-head">
        <div className="insp-kicker">
          <span className="tag accent">{node.type}</span>
          {info && <span className="muted">{info.title}</span>}
          {info?.streams && <span className="tag run" title="streams its output">streams</span>}
        </div>
        <RenameField value={node.name} label="Node name" readOnly={readOnly} className="insp-name" problem={(to) => nameProblem(to, taken())} onRename={(to) => rename(name, to)} />
        {info?.description && <p className="muted insp-desc">{info.description}</p>}
        {!info && <p className="error-text">Unknown node type “{node.type}”.</p>}
      </header>
      {problems.length > 0 && <ProblemList problems={problems} />}
      <Section title="Config">
        {info && node.type === 'python' ? (
          <PythonConfig node={node} info={info} readOnly={readOnly} onChange={(next, path) => setConfig(name, next, path)} />
        ) : info ? (
          <SchemaForm schema={info.config} value={node.config} readOnly={readOnly} onChange={(next, path) => setConfig(name, next, path)} />
        ) : (
          <JsonField spec={{ name: 'config', schema: {}, kind: 'json', required: false }} value={node.config} readOnly={readOnly}
            onChange={(v) => setConfig(name, v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined, 'json')} />
        )}
      </Section>
      <Section title="Inputs">
        <InputBindings node={node} info={withInstancePorts(node, info)} readOnly={readOnly} />
      </Section>
      <Section title="Behaviour" open={!!(node.activate || node.retry || node.timeout || node.on_error)}>
        <NodeBehaviour node={node} readOnly={readOnly} />
        <label className="field insp-field">
          <span className="field-label">note</span>
          <input type="text" aria-label="Node description" value={node.description ?? ''} readOnly={readOnly} placeholder="What this node is for"
            onChange={(e) => edit(name, (n) => {
              const { description: _d, ...rest } = n;
              return e.target.value ? { ...rest, description: e.target.value } : rest;
            }, `description:${name}`)} />
        </label>
      </Section>
      <Section title="Last run">
        <NodeRunDetail name={name} />
      </Section>
    </>
  );
}
