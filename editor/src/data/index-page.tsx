import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import { Modal, Tabs, useLoad } from '../components/ui.tsx';
import { notify, notifyError } from '../components/toast.tsx';
import { href, navigate } from '../shell/router.ts';
import { ChatFlowDialog } from './chat-flow-dialog.tsx';
import { DocumentsPanel } from './documents-panel.tsx';
import { DropZone } from './drop-zone.tsx';
import { formatBytes, formatTime, plural } from './format.ts';
import { updatedAt } from './index-list.tsx';
import { JobCard } from './job-card.tsx';
import { JobsPanel } from './jobs-panel.tsx';
import { ReindexDialog } from './reindex-dialog.tsx';
import { SearchPanel } from './search-panel.tsx';
import { indexPath, isLive, type IndexInfo, type JobView } from './types.ts';

type Tab = 'documents' | 'jobs' | 'search';
type Dialog = 'chat-flow' | 'reindex' | 'delete' | null;

/** One index: drop files in, watch them ingest, browse what was indexed, try a search, make a chat flow. */
export function IndexPage({ name }: { name: string }) {
  // Bumped when something changed the index (a job ended, a document went): panels reload.
  const [version, setVersion] = useState(0);
  const bump = useCallback(() => setVersion((v) => v + 1), []);
  const info = useLoad(() => api<IndexInfo>(indexPath(name)), [name, version]);
  const [tab, setTab] = useState<Tab>('documents');
  const [dialog, setDialog] = useState<Dialog>(null);
  const [active, setActive] = useState<JobView[]>([]);

  // Jobs already under way when the page opens (another tab, the CLI) are followed too.
  const found = !!info.data;
  useEffect(() => {
    if (!found) return;
    let live = true;
    api<{ data: JobView[] }>(indexPath(name, 'jobs')).then(
      (r) => live && setActive((a) => [...r.data.filter((j) => isLive(j.status) && !a.some((x) => x.id === j.id)).reverse(), ...a]),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [name, found]);

  const follow = useCallback((job: JobView) => setActive((a) => [...a.filter((j) => j.id !== job.id), job]), []);
  const dismiss = (id: string) => setActive((a) => a.filter((j) => j.id !== id));
  const onDone = useCallback(
    (v: JobView) => {
      bump();
      const failed = v.results.filter((r) => r.status === 'failed');
      if (v.status === 'succeeded' && !failed.length) notify('success', `Indexed ${plural(v.files.total, 'file')} into ${v.index}`);
      else if (v.status === 'succeeded') notify('info', `Done; ${plural(failed.length, 'file')} could not be read: ${failed.map((f) => f.name).join(', ')}`);
      else if (v.status === 'failed') notify('error', `Job failed: ${v.error ?? 'see its files'}`);
    },
    [bump],
  );

  const removeIndex = async () => {
    setDialog(null);
    try {
      await api(indexPath(name), { method: 'DELETE' });
      notify('success', `Deleted index ${name}`);
      navigate('data');
    } catch (err) {
      notifyError(err);
    }
  };

  if (info.error && !info.data) {
    return (
      <div className="page-pad data-page">
        <div className="page-head">
          <a href={href('data')}>Data</a>
          <span className="muted">/</span>
          <h1>{name}</h1>
        </div>
        <div className="error-text" role="alert">{info.error.message}</div>
      </div>
    );
  }
  const ix = info.data;
  if (!ix) return <div className="page-pad muted">Loading…</div>;
  return (
    <div className="page-pad data-page" data-testid="index-page">
      <div className="page-head">
        <a href={href('data')}>Data</a>
        <span className="muted">/</span>
        <h1>{name}</h1>
        <span className="spacer" />
        <button className="primary" onClick={() => setDialog('chat-flow')} disabled={!ix.documents} title={ix.documents ? '' : 'add documents first'}>
          Generate chat flow
        </button>
        <button onClick={() => setDialog('reindex')}>Re-index…</button>
        <button className="danger" onClick={() => setDialog('delete')}>Delete index</button>
      </div>
      <div className="index-stats" data-testid="index-stats" aria-label="Index statistics">
        <Stat label="Documents" value={ix.documents.toLocaleString()} />
        <Stat label="Chunks" value={ix.chunks.toLocaleString()} />
        <Stat label="Tokens" value={ix.tokens.toLocaleString()} />
        <Stat label="Source size" value={formatBytes(ix.source_bytes)} />
        <Stat label="On disk" value={formatBytes(ix.disk_bytes)} />
        <Stat label="Embedding model" value={`${ix.embedding_model} · ${ix.dimensions}-d`} />
        <Stat label="Chunking" value={`${ix.chunk_tokens} tokens, ${ix.overlap_tokens} overlap`} />
        <Stat label="Updated" value={formatTime(updatedAt(ix))} />
      </div>
      <section className="upload-section">
        <DropZone index={name} onJob={follow} />
        {active.map((j) => (
          <div key={j.id} className="job-wrap">
            <JobCard job={j} onDone={onDone} />
            <button className="small ghost dismiss" onClick={() => dismiss(j.id)} aria-label="Dismiss job">×</button>
          </div>
        ))}
      </section>
      <Tabs<Tab>
        tabs={[
          { id: 'documents', label: `Documents (${ix.documents})` },
          { id: 'jobs', label: 'Jobs' },
          { id: 'search', label: 'Test search' },
        ]}
        value={tab}
        onChange={setTab}
      />
      {tab === 'documents' && <DocumentsPanel index={name} version={version} onChanged={bump} />}
      {tab === 'jobs' && <JobsPanel index={name} version={version} onChanged={bump} />}
      {tab === 'search' && <SearchPanel index={name} />}
      {dialog === 'chat-flow' && <ChatFlowDialog index={name} onClose={() => setDialog(null)} />}
      {dialog === 'reindex' && <ReindexDialog index={ix} onClose={() => setDialog(null)} onJob={follow} />}
      {dialog === 'delete' && (
        <Modal
          title="Delete index"
          onClose={() => setDialog(null)}
          actions={
            <>
              <button onClick={() => setDialog(null)}>Keep it</button>
              <button className="danger" onClick={removeIndex}>Delete</button>
            </>
          }
        >
          <p>
            Delete <code>{name}</code> with its {plural(ix.documents, 'document')}, chunks, vectors and kept files? Running
            jobs are stopped. Flows that search it will fail until an index of that name exists again.
          </p>
        </Modal>
      )}
    </div>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
    </div>
  );
}
