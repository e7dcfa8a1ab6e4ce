import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import { scoreLabel } from './score-label.ts';
import { indexPath, type SearchHit, type SearchMode } from './types.ts';

const MODES: { id: SearchMode; label: string }[] = [
  { id: 'hybrid', label: 'Hybrid (vector + keyword)' },
  { id: 'vector', label: 'Vector (meaning)' },
  { id: 'keyword', label: 'Keyword (BM25)' },
];

/** Tries retrieval exactly as the `vector_lookup` node does it, before building a flow on it. */
export function SearchPanel({ index }: { index: string }) {
  const [query, setQuery] = useState('');
  const [mode, setMode] = useState<SearchMode>('hybrid');
  const [topK, setTopK] = useState(4);
  const [tag, setTag] = useState('');
  const [busy, setBusy] = useState(false);
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  // The mode the shown hits were found with: their scores mean different things.
  const [hitMode, setHitMode] = useState<SearchMode>('hybrid');
  const [error, setError] = useState<string | null>(null);

  const run = async (e: FormEvent) => {
    e.preventDefault();
    if (!query.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const tags = tag.split(',').map((t) => t.trim()).filter(Boolean);
      const r = await api<{ data: SearchHit[] }>(indexPath(index, 'search'), { body: { query, mode, top_k: topK, ...(tags.length ? { tags } : {}) } });
      setHits(r.data);
      setHitMode(mode);
    } catch (err) {
      setError((err as Error).message);
      setHits(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="stack" aria-label="Test search">
      <form className="row wrap search-form" onSubmit={run}>
        <input className="grow" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Ask something the documents answer…" aria-label="Search query" />
        <select value={mode} onChange={(e) => setMode(e.target.value as SearchMode)} aria-label="Search mode">
          {MODES.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label}
            </option>
          ))}
        </select>
        <label className="row">
          <span className="field-label">top k</span>
          <input type="number" min={1} max={100} value={topK} onChange={(e) => setTopK(Math.max(1, Math.min(100, Number(e.target.value) || 1)))} aria-label="Top k" className="narrow" />
        </label>
        <input value={tag} onChange={(e) => setTag(e.target.value)} placeholder="tags (optional)" aria-label="Filter by tags" className="narrow-wide" />
        <button className="primary" type="submit" disabled={busy || !query.trim()}>
          {busy ? 'Searching…' : 'Search'}
        </button>
      </form>
      {error && <div className="error-text" role="alert">{error}</div>}
      {hits && hits.length === 0 && <div className="empty-note" data-testid="no-hits">No chunk matched.</div>}
      {hits && hits.length > 0 && (
        <ol className="hits" aria-label="Search results">
          {hits.map((h, i) => (
            <li key={h.id} className="hit" data-testid="search-hit" data-source={h.source}>
              <div className="chunk-meta">
                <span className="tag accent">{i + 1}</span>
                <span className="score" data-testid="hit-score" title={scoreLabel(h.score, hitMode).title}>
                  {scoreLabel(h.score, hitMode).text}
                </span>
                <span className="mono hit-source">{h.source}</span>
                {h.heading_path && h.heading_path.length > 0 && <span className="heading-path">{h.heading_path.join(' › ')}</span>}
                {h.page !== null && <span className="tag">page {h.page}</span>}
              </div>
              <div className="chunk-text">{h.text}</div>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
