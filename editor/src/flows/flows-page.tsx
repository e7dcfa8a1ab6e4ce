import { useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { api, request } from '../api/client.ts';
import type { FlowRecord, FlowSummary } from '../api/types.ts';
import { notify, notifyError } from '../components/toast.tsx';
import { Modal, useLoad } from '../components/ui.tsx';
import { nameProblem } from '../flow/names.ts';
import { href, navigate } from '../shell/router.ts';

const starter = (name: string) => `weir: 1
name: ${name}
inputs:
  question: { type: string }
outputs: {}
nodes: []
`;

function NewFlow({ onClose, taken }: { onClose: () => void; taken: Set<string> }) {
  const [name, setName] = useState('');
  const problem = name ? nameProblem(name, new Set()) ?? (taken.has(name) ? `a flow named "${name}" already exists` : null) : null;
  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await request('/api/flows', { method: 'POST', raw: starter(name), headers: { 'content-type': 'application/yaml' } });
      navigate('flows', name);
    } catch (err) {
      notifyError(err);
    }
  };
  return (
    <Modal title="New flow" onClose={onClose}>
      <form onSubmit={create}>
        <label className="field">
          <span>Name</span>
          <input autoFocus aria-label="Flow name" value={name} onChange={(e) => setName(e.target.value.trim())} placeholder="e.g. support-answers" />
          {problem ? <span className="error-text">{problem}</span> : <span className="hint">Letters, digits, _ and -. It names the flow's endpoint too.</span>}
        </label>
        <div className="modal-actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button className="primary" disabled={!name || !!problem}>Create</button>
        </div>
      </form>
    </Modal>
  );
}

/** Imports a `.flow.yaml` / `.json` file as a new flow (the file names it). */
async function importFile(file: File): Promise<string> {
  const text = await file.text();
  const json = /\.json$/i.test(file.name);
  const rec = await api<FlowRecord>('/api/flows', { method: 'POST', raw: text, headers: { 'content-type': json ? 'application/json' : 'application/yaml' } });
  return rec.name;
}

export function FlowsPage() {
  const { data, error, loading, reload } = useLoad(() => api<{ data: FlowSummary[] }>('/api/flows'), []);
  const [creating, setCreating] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const flows = data?.data ?? [];
  const onImport = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    try {
      const name = await importFile(file);
      notify('success', `Imported flow “${name}”`);
      navigate('flows', name);
    } catch (err) {
      notifyError(err);
    }
  };
  const remove = async (name: string) => {
    if (!window.confirm(`Delete the flow “${name}” and its versions?`)) return;
    try {
      await api(`/api/flows/${encodeURIComponent(name)}`, { method: 'DELETE' });
      reload();
    } catch (err) {
      notifyError(err);
    }
  };
  return (
    <div className="page-pad">
      <div className="page-head">
        <h1>Flows</h1>
        <div className="spacer" />
        <input ref={fileInput} type="file" accept=".yaml,.yml,.json" hidden aria-label="Import flow file" onChange={onImport} />
        <button onClick={() => fileInput.current?.click()}>Import file</button>
        <button className="primary" onClick={() => setCreating(true)}>New flow</button>
      </div>
      {error && <p className="error-text">{error.message}</p>}
      {!loading && !flows.length && !error && (
        <div className="card">
          <h2>No flows yet</h2>
          <p>Create a flow and build it on the canvas, import a <code>.flow.yaml</code>, or add your documents on the <a href={href('data')}>Data</a> page and generate a chat flow from them.</p>
        </div>
      )}
      {flows.length > 0 && (
        <table className="list">
          <thead>
            <tr><th>Name</th><th>Versions</th><th>Updated</th><th /></tr>
          </thead>
          <tbody>
            {flows.map((f) => (
              <tr key={f.name} className="clickable" onClick={() => navigate('flows', f.name)}>
                <td><a href={href('flows', f.name)}>{f.name}</a></td>
                <td>{f.versions ? `${f.versions} published` : <span className="muted">draft only</span>}</td>
                <td className="muted">{new Date(f.updated_at).toLocaleString()}</td>
                <td style={{ textAlign: 'right' }}>
                  <button className="small danger" onClick={(e) => (e.stopPropagation(), void remove(f.name))} aria-label={`Delete ${f.name}`}>Delete</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && <NewFlow onClose={() => setCreating(false)} taken={new Set(flows.map((f) => f.name))} />}
    </div>
  );
}
