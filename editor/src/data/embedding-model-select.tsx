import { api } from '../api/client.ts';
import { useLoad } from '../components/ui.tsx';
import type { ModelInfo } from './types.ts';

/** The catalog's embedding models; those that run here with nothing to download come first. */
export function EmbeddingModelSelect({ value, onChange }: { value: string; onChange: (id: string) => void }) {
  const models = useLoad(() => api<{ data: ModelInfo[] }>('/api/models?task=embeddings'), []);
  const list = [...(models.data?.data ?? [])].sort((a, b) => Number(b.local) - Number(a.local) || a.id.localeCompare(b.id));
  const chosen = list.find((m) => m.id === value);
  return (
    <label className="field">
      <span>Embedding model</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} aria-label="Embedding model">
        {!chosen && <option value={value}>{value}</option>}
        {list.map((m) => (
          <option key={m.id} value={m.id}>
            {m.id}
            {m.name && m.name !== m.id ? ` — ${m.name}` : ''}
            {m.dimensions ? ` · ${m.dimensions}-d` : ''}
            {m.provider !== m.id ? ` · ${m.provider}` : ''}
            {m.local ? '' : ' (not on this machine: pull or connect it first)'}
          </option>
        ))}
      </select>
      {models.error ? (
        <span className="error-text">{models.error.message}</span>
      ) : (
        <span className="hint">{chosen?.description ?? 'use-lite is shipped with Weir and works offline.'}</span>
      )}
    </label>
  );
}
