import { useState } from 'react';
import { api } from '../api/client.ts';
import { StatusTag, useLoad } from '../components/ui.tsx';
import { href, navigate } from '../shell/router.ts';
import { formatBytes, formatTime } from './format.ts';
import { NewIndexDialog } from './new-index-dialog.tsx';
import type { IndexInfo } from './types.ts';

/** When an index last changed: its last build, else its last job, else its creation. */
export const updatedAt = (ix: IndexInfo) => ix.built_at ?? ix.last_job?.finished_at ?? ix.created_at;

export function IndexList() {
  const list = useLoad(() => api<{ data: IndexInfo[] }>('/api/indexes'), []);
  const [creating, setCreating] = useState(false);
  const rows = list.data?.data;
  return (
    <div className="page-pad data-page">
      <div className="page-head">
        <h1>Data</h1>
        <span className="muted">indexes of your documents, for retrieval in flows</span>
        <span className="spacer" />
        <button className="primary" onClick={() => setCreating(true)}>New index</button>
      </div>
      {list.error && <div className="error-text" role="alert">{list.error.message}</div>}
      {!rows && !list.error && <div className="muted">Loading…</div>}
      {rows && rows.length === 0 && (
        <div className="card empty-card">
          <h2>Add your data</h2>
          <p>
            Create an index, drop in documents (.txt, .md, .html, .pdf, .docx, .json, .jsonl, .csv), try a search, then generate a chat flow
            that answers from them with citations. Everything runs on this machine with the built-in models.
          </p>
          <button className="primary" onClick={() => setCreating(true)}>New index</button>
        </div>
      )}
      {rows && rows.length > 0 && (
        <table className="list" aria-label="Indexes">
          <thead>
            <tr>
              <th>Name</th><th>Documents</th><th>Chunks</th><th>Embedding model</th><th>Size</th><th>Last job</th><th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((ix) => (
              <tr key={ix.name} className="clickable" data-testid="index-row" data-index={ix.name} onClick={() => navigate('data', ix.name)}>
                <td><a href={href('data', ix.name)} onClick={(e) => e.stopPropagation()}>{ix.name}</a></td>
                <td>{ix.documents}</td>
                <td>{ix.chunks}</td>
                <td className="mono">{ix.embedding_model}</td>
                <td>{formatBytes(ix.source_bytes)}</td>
                <td>{ix.last_job ? <StatusTag status={ix.last_job.status} /> : <span className="muted">—</span>}</td>
                <td className="muted">{formatTime(updatedAt(ix))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && <NewIndexDialog onClose={() => setCreating(false)} onCreated={(ix) => navigate('data', ix.name)} />}
    </div>
  );
}
