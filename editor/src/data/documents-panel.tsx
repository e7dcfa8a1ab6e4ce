import { useState } from 'react';
import { api } from '../api/client.ts';
import { Modal, useLoad } from '../components/ui.tsx';
import { notify, notifyError } from '../components/toast.tsx';
import { formatBytes, formatTime, plural } from './format.ts';
import { documentPath, indexPath, type DocumentDetail, type DocumentInfo } from './types.ts';

/** The index's documents; one opens to its chunks. `version` changes when a job has finished. */
export function DocumentsPanel({ index, version, onChanged }: { index: string; version: number; onChanged: () => void }) {
  const docs = useLoad(() => api<{ data: DocumentInfo[] }>(indexPath(index, 'documents')), [index, version]);
  const [open, setOpen] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);

  const remove = async (name: string) => {
    setConfirm(null);
    try {
      await api(documentPath(index, name), { method: 'DELETE' });
      notify('success', `Deleted ${name}`);
      if (open === name) setOpen(null);
      docs.reload();
      onChanged();
    } catch (err) {
      notifyError(err);
    }
  };

  if (open) return <DocumentView index={index} name={open} onBack={() => setOpen(null)} onDelete={() => setConfirm(open)} confirm={confirm} remove={remove} cancel={() => setConfirm(null)} />;
  if (docs.error) return <div className="error-text">{docs.error.message}</div>;
  const list = docs.data?.data;
  if (!list) return <div className="muted">Loading documents…</div>;
  return (
    <>
      {list.length === 0 ? (
        <div className="empty-note" data-testid="no-documents">No documents yet: drop some files above.</div>
      ) : (
        <table className="list" aria-label="Documents">
          <thead>
            <tr>
              <th>Name</th><th>Type</th><th>Size</th><th>Chunks</th><th>Tags</th><th>Added</th><th />
            </tr>
          </thead>
          <tbody>
            {list.map((d) => (
              <tr key={d.name} className="clickable" data-testid="document-row" data-document={d.name} onClick={() => setOpen(d.name)}>
                <td>
                  <button className="link mono" aria-label={`Open ${d.name}`}>{d.name}</button>
                  {d.title && d.title !== d.name && <div className="muted small-text">{d.title}</div>}
                </td>
                <td><span className="tag">{d.format}</span></td>
                <td>{formatBytes(d.bytes)}</td>
                <td>{d.chunks}</td>
                <td>{d.tags.map((t) => <span key={t} className="tag accent">{t}</span>)}</td>
                <td className="muted">{formatTime(d.added_at)}</td>
                <td>
                  <button
                    className="small danger"
                    aria-label={`Delete ${d.name}`}
                    onClick={(e) => {
                      e.stopPropagation();
                      setConfirm(d.name);
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {confirm && <ConfirmDelete name={confirm} onYes={() => remove(confirm)} onNo={() => setConfirm(null)} />}
    </>
  );
}

function ConfirmDelete({ name, onYes, onNo }: { name: string; onYes: () => void; onNo: () => void }) {
  return (
    <Modal
      title="Delete document"
      onClose={onNo}
      actions={
        <>
          <button onClick={onNo}>Keep it</button>
          <button className="danger" onClick={onYes}>Delete</button>
        </>
      }
    >
      <p>
        Delete <code>{name}</code> from the index? Its chunks, vectors and full text go too; flows searching this index stop finding it.
      </p>
    </Modal>
  );
}

interface ViewProps {
  index: string;
  name: string;
  onBack: () => void;
  onDelete: () => void;
  confirm: string | null;
  remove: (name: string) => void;
  cancel: () => void;
}

function DocumentView({ index, name, onBack, onDelete, confirm, remove, cancel }: ViewProps) {
  const doc = useLoad(() => api<DocumentDetail>(documentPath(index, name)), [index, name]);
  const d = doc.data;
  return (
    <div className="stack" data-testid="document-view" aria-label={`Document ${name}`}>
      <div className="row">
        <button className="small" onClick={onBack}>← All documents</button>
        <h3 className="mono doc-title">{name}</h3>
        <span className="spacer" />
        <button className="small danger" onClick={onDelete}>Delete document</button>
      </div>
      {doc.error && <div className="error-text">{doc.error.message}</div>}
      {!d && !doc.error && <div className="muted">Loading chunks…</div>}
      {d && (
        <>
          <div className="muted" data-testid="document-meta">
            {d.format} · {formatBytes(d.bytes)} · {plural(d.chunks, 'chunk')} · added {formatTime(d.added_at)} · sha256 <span className="mono">{d.sha256.slice(0, 12)}</span>
          </div>
          <ol className="chunks" aria-label="Chunks">
            {d.chunk_list.map((c) => (
              <li key={c.id} className="chunk" data-testid="chunk">
                <div className="chunk-meta">
                  <span className="tag">#{c.index}</span>
                  {c.heading_path && c.heading_path.length > 0 && <span className="heading-path">{c.heading_path.join(' › ')}</span>}
                  {c.page !== null && <span className="tag">page {c.page}</span>}
                  <span className="muted">
                    {plural(c.tokens, 'token')} · chars {c.start}–{c.end}
                  </span>
                  {c.metadata &&
                    Object.entries(c.metadata).map(([k, v]) => (
                      <span key={k} className="tag">
                        {k}: {String(v)}
                      </span>
                    ))}
                </div>
                <div className="chunk-text">{c.text}</div>
              </li>
            ))}
          </ol>
        </>
      )}
      {confirm && <ConfirmDelete name={confirm} onYes={() => remove(confirm)} onNo={cancel} />}
    </div>
  );
}
