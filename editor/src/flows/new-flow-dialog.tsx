import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import type { FlowRecord } from '../api/types.ts';
import { notifyError } from '../components/toast.tsx';
import { Modal, useLoad } from '../components/ui.tsx';
import { nameProblem } from '../flow/names.ts';
import { useResources } from '../inspector/resources.ts';
import type { ResourceKind } from '../inspector/schema-utils.ts';
import { href, navigate } from '../shell/router.ts';
import '../styles/flows.css';

interface TemplateParam {
  name: string;
  kind: ResourceKind;
  label: string;
}

interface FlowTemplate {
  id: string;
  title: string;
  description: string;
  params: TemplateParam[];
}

const WHERE: Record<ResourceKind, { page: string; text: string }> = {
  deployment: { page: 'models', text: 'Deploy a chat model on the Models page first' },
  index: { page: 'data', text: 'Add your documents on the Data page first' },
  connection: { page: 'connections', text: 'Add a connection first' },
};

/** A picker of the server's deployments (or indexes …) for one template param. */
function ParamPicker({ param, value, onChange }: { param: TemplateParam; value: string; onChange: (v: string) => void }) {
  const { options, error } = useResources(param.kind);
  const id = `template-param-${param.name}`;
  return (
    <label className="field" htmlFor={id}>
      <span>{param.label}</span>
      <select id={id} aria-label={param.label} value={value} onChange={(e) => onChange(e.target.value)} required>
        <option value="">{options ? '— choose —' : 'Loading…'}</option>
        {options?.map((o) => (
          <option key={o.name} value={o.name} disabled={o.unusable}>{o.detail ? `${o.name} — ${o.detail}` : o.name}</option>
        ))}
      </select>
      {error && <span className="error-text">{error}</span>}
      {options && !options.length && <span className="hint">None yet. <a href={href(WHERE[param.kind].page)}>{WHERE[param.kind].text}</a>.</span>}
    </label>
  );
}

/** New flow: a name and a template (blank, chat with your data …), with the names the template needs picked. */
export function NewFlowDialog({ onClose, taken }: { onClose: () => void; taken: Set<string> }) {
  const { data, error } = useLoad(() => api<{ data: FlowTemplate[] }>('/api/templates'), []);
  const templates = data?.data ?? [];
  const [picked, setPicked] = useState('blank');
  const [name, setName] = useState('');
  const [params, setParams] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const template = templates.find((t) => t.id === picked);
  const problem = name ? nameProblem(name, new Set()) ?? (taken.has(name) ? `a flow named "${name}" already exists` : null) : null;
  const missing = template?.params.filter((p) => !params[p.name]) ?? [];
  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (!template || missing.length || problem || !name) return;
    setBusy(true);
    try {
      const chosen = Object.fromEntries(template.params.map((p) => [p.name, params[p.name]]));
      await api<FlowRecord>('/api/flows', { method: 'POST', body: { template: template.id, name, params: chosen } });
      navigate('flows', name);
    } catch (err) {
      notifyError(err);
      setBusy(false);
    }
  };
  return (
    <Modal title="New flow" onClose={onClose}>
      <form className="new-flow" onSubmit={create}>
        <label className="field">
          <span>Name</span>
          <input autoFocus aria-label="Flow name" value={name} onChange={(e) => setName(e.target.value.trim())} placeholder="e.g. support-answers" />
          {problem ? <span className="error-text">{problem}</span> : <span className="hint">Letters, digits, _ and -. It names the flow's endpoint too.</span>}
        </label>
        <fieldset className="templates">
          <legend>Start from</legend>
          {error && <p className="error-text">Cannot list the templates: {error.message}</p>}
          {templates.map((t) => (
            <label key={t.id} className={t.id === picked ? 'template on' : 'template'}>
              <input type="radio" name="template" value={t.id} checked={t.id === picked} onChange={() => setPicked(t.id)} />
              <span className="template-text">
                <span className="template-title">{t.title}</span>
                <span className="template-desc">{t.description}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {template?.params.map((p) => (
          <ParamPicker key={`${template.id}:${p.name}`} param={p} value={params[p.name] ?? ''} onChange={(v) => setParams((x) => ({ ...x, [p.name]: v }))} />
        ))}
        <div className="modal-actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button className="primary" disabled={!name || !!problem || !template || missing.length > 0 || busy}>{busy ? 'Creating…' : 'Create'}</button>
        </div>
      </form>
    </Modal>
  );
}
