import { useState } from 'react';
import { api } from '../api/client.ts';
import { Modal } from '../components/ui.tsx';
import { plural } from './format.ts';
import { ChunkSettingsFields } from './chunk-settings-fields.tsx';
import { EmbeddingModelSelect } from './embedding-model-select.tsx';
import { indexPath, type IndexInfo, type JobView } from './types.ts';

/** Another embedding model or chunk size: every document is read again from its kept file. */
export function ReindexDialog({ index, onClose, onJob }: { index: IndexInfo; onClose: () => void; onJob: (job: JobView) => void }) {
  const [model, setModel] = useState(index.embedding_model);
  const [chunk, setChunk] = useState(index.chunk_tokens);
  const [overlap, setOverlap] = useState(index.overlap_tokens);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const job = await api<JobView>(indexPath(index.name, 'reindex'), { body: { embedding_model: model, chunk_tokens: chunk, overlap_tokens: overlap } });
      onJob(job);
      onClose();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title="Re-index"
      onClose={onClose}
      actions={
        <>
          <button onClick={onClose}>Cancel</button>
          <button className="primary" onClick={start} disabled={busy}>
            {busy ? 'Starting…' : 'Re-index'}
          </button>
        </>
      }
    >
      <p className="muted">
        {index.documents === 1 ? 'The one document is' : `All ${plural(index.documents, 'document')} are`} chunked and embedded again with these settings. The old chunks are dropped when the job starts, so
        while it runs search finds only the documents already done.
      </p>
      <EmbeddingModelSelect value={model} onChange={setModel} />
      <ChunkSettingsFields chunk={chunk} overlap={overlap} onChunk={setChunk} onOverlap={setOverlap} />
      {error && <div className="error-text" role="alert">{error}</div>}
    </Modal>
  );
}
