import { useState } from 'react';
import { api } from '../api/client.ts';
import { Modal } from '../components/ui.tsx';
import { ChunkSettingsFields } from './chunk-settings-fields.tsx';
import { EmbeddingModelSelect } from './embedding-model-select.tsx';
import type { IndexInfo } from './types.ts';

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Name, embedding model and chunk sizes of a new index (the server's defaults: use-lite, 256/32). */
export function NewIndexDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (ix: IndexInfo) => void }) {
  const [name, setName] = useState('');
  const [model, setModel] = useState('use-lite');
  const [chunk, setChunk] = useState(256);
  const [overlap, setOverlap] = useState(32);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nameOk = NAME.test(name);

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const ix = await api<IndexInfo>('/api/indexes', { body: { name, embedding_model: model, chunk_tokens: chunk, overlap_tokens: overlap } });
      onCreated(ix);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title="New index"
      onClose={onClose}
      actions={
        <>
          <button onClick={onClose}>Cancel</button>
          <button className="primary" onClick={create} disabled={busy || !nameOk} aria-label="Create index">
            {busy ? 'Creating…' : 'Create'}
          </button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (nameOk && !busy) void create();
        }}
      >
        <label className="field">
          <span>Name</span>
          <input autoFocus value={name} onChange={(e) => setName(e.target.value.toLowerCase())} placeholder="handbook" aria-label="Index name" />
          <span className={name && !nameOk ? 'error-text' : 'hint'}>
            Lower-case letters, digits, - and _; flows refer to the index by this name.
          </span>
        </label>
        <EmbeddingModelSelect value={model} onChange={setModel} />
        <ChunkSettingsFields chunk={chunk} overlap={overlap} onChunk={setChunk} onOverlap={setOverlap} />
        <p className="hint muted">
          Documents are split by structure first (sections, paragraphs, sentences), then to at most this many tokens of the embedding model.
          256 suits question answering: a chunk holds one idea, so a hit is precise. Overlap repeats the end of a chunk at the start of the
          next so a sentence cut at a boundary is still found; it must be less than half the chunk size. Change both later with a re-index.
        </p>
        {error && <div className="error-text" role="alert">{error}</div>}
      </form>
    </Modal>
  );
}
