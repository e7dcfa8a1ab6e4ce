import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/client.ts';
import { useLoad } from '../components/ui.tsx';
import { href, navigate } from '../shell/router.ts';
import { catalogQuery, useCatalogFilters } from './catalog-filters.ts';
import { ModelBadges } from './model-badges.tsx';
import { formatBytes, formatContext, formatParams, formatPrice, taskLabel } from './model-format.ts';
import { MODEL_TASKS, PROVIDERS, type ModelInfo } from './model-types.ts';

/** Waits for typing to pause, so each keystroke does not cost a request. */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function ModelCatalog() {
  const f = useCatalogFilters();
  const q = useDebounced(f.q, 200);
  const query = catalogQuery({ ...f, q });
  const list = useLoad(() => api<{ data: ModelInfo[] }>(`/api/models${query}`), [query]);
  // The whole catalog, once, for the license choices (the filtered list would hide the others).
  const all = useLoad(() => api<{ data: ModelInfo[] }>('/api/models'), []);
  const licenses = useMemo(() => [...new Set((all.data?.data ?? []).map((m) => m.license))].sort(), [all.data]);
  const models = list.data?.data;
  const filtered = query !== '';

  return (
    <div className="page-pad models-page">
      <div className="page-head">
        <h1>Models</h1>
        <span className="muted">{models ? `${models.length} model${models.length === 1 ? '' : 's'}` : ''}</span>
        <span className="spacer" />
        <a className="button" href={href('playground')}>Open playground</a>
      </div>
      <div className="catalog-filters row wrap" role="search">
        <input
          type="search" className="catalog-search" placeholder="Search models (name, publisher, description)…" aria-label="Search models"
          value={f.q} onChange={(e) => f.set({ q: e.target.value })}
        />
        <select aria-label="Task" value={f.task} onChange={(e) => f.set({ task: e.target.value })}>
          <option value="">Any task</option>
          {MODEL_TASKS.map((t) => <option key={t} value={t}>{taskLabel(t)}</option>)}
        </select>
        <select aria-label="License" value={f.license} onChange={(e) => f.set({ license: e.target.value })}>
          <option value="">Any license</option>
          {licenses.map((l) => <option key={l} value={l}>{l}</option>)}
        </select>
        <select aria-label="Provider" value={f.provider} onChange={(e) => f.set({ provider: e.target.value })}>
          <option value="">Any provider</option>
          {PROVIDERS.map((p) => <option key={p} value={p}>{p}</option>)}
        </select>
        <label className="row check">
          <input type="checkbox" aria-label="Local only" checked={f.localOnly} onChange={(e) => f.set({ localOnly: e.target.checked })} />
          Local only
        </label>
        {filtered && <button type="button" className="ghost small" onClick={f.reset}>Clear filters</button>}
      </div>
      {list.error && <p className="error-text" role="alert">Could not load the catalog: {list.error.message}</p>}
      {!models && list.loading && <p className="muted">Loading the catalog…</p>}
      {models && models.length === 0 && (
        <div className="card empty-card">
          <p>No model matches these filters.</p>
          <button type="button" onClick={f.reset}>Clear filters</button>
        </div>
      )}
      {models && models.length > 0 && (
        <table className="list catalog-table" aria-label="Model catalog" aria-busy={list.loading}>
          <thead>
            <tr>
              <th>Model</th><th>Task</th><th>Provider</th><th>License</th><th>Size</th><th>Context</th><th>Price</th>
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <tr key={m.id} className="clickable" data-testid={`model-row-${m.id}`} onClick={(e) => {
                // The name link navigates by itself; the rest of the row is a larger target for the same place.
                if (!(e.target as HTMLElement).closest('a')) navigate('models', m.id);
              }}>
                <td>
                  <div className="row wrap">
                    <a href={href('models', m.id)} className="model-name">{m.name}</a>
                    <ModelBadges model={m} />
                  </div>
                  <div className="muted mono small-text">{m.id} · {m.publisher}</div>
                </td>
                <td>{taskLabel(m.task)}</td>
                <td className="mono small-text">{m.provider}</td>
                <td>{m.license}</td>
                <td>
                  {formatParams(m.parameters)}
                  {m.file_size_bytes !== null && <div className="muted small-text">{formatBytes(m.file_size_bytes)}</div>}
                </td>
                <td>{formatContext(m.context_length)}</td>
                <td className="small-text">{formatPrice(m)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
