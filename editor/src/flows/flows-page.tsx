import { useRef, useState, type ChangeEvent } from 'react';
import { api } from '../api/client.ts';
import type { FlowRecord, FlowSummary } from '../api/types.ts';
import { notify, notifyError } from '../components/toast.tsx';
import { useLoad } from '../components/ui.tsx';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { formatDateTime } from '../components/format-date.ts';
import { href, navigate } from '../shell/router.ts';
import { NewFlowDialog } from './new-flow-dialog.tsx';
import { ImportDialog } from '../import/import-dialog.tsx';

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
  const [importing, setImporting] = useState(false);
  const [deleting, setDeleting] = useState<string>();
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
    await api(`/api/flows/${encodeURIComponent(name)}`, { method: 'DELETE' });
    notify('success', `Deleted flow “${name}”`);
    reload();
  };
  return (
    <div className="page-pad">
      <div className="page-head">
        <h1>Flows</h1>
        <div className="spacer" />
        <input ref={fileInput} type="file" accept=".yaml,.yml,.json" hidden aria-label="Import flow file" onChange={onImport} />
        <button onClick={() => fileInput.current?.click()}>Import file</button>
        <button onClick={() => setImporting(true)}>Import from prompt flow</button>
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
                <td className="muted">{formatDateTime(f.updated_at)}</td>
                <td style={{ textAlign: 'right' }}>
                  <button className="small danger" onClick={(e) => (e.stopPropagation(), setDeleting(f.name))} aria-label={`Delete ${f.name}`}>Delete</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {importing && <ImportDialog onClose={() => setImporting(false)} onImported={reload} />}
      {creating && <NewFlowDialog onClose={() => setCreating(false)} taken={new Set(flows.map((f) => f.name))} />}
      {deleting && (
        <ConfirmDialog title={`Delete flow “${deleting}”?`} confirmLabel="Delete flow" onConfirm={() => remove(deleting)} onClose={() => setDeleting(undefined)}>
          <p>The draft and every published version of <b>{deleting}</b> go. A flow a deployment serves cannot be deleted: delete the deployment first.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
