import { useState, type FormEvent } from 'react';
import { Modal, useLoad } from '../components/ui.tsx';
import { notify } from '../components/toast.tsx';
import { FormFoot } from './form-foot.tsx';
import { safetyApi, type BlocklistItem } from './safety-api.ts';

interface Row {
  id: string;
  kind: 'term' | 'pattern';
  text: string;
}

const rowOf = (i: BlocklistItem): Row => (i.pattern !== undefined ? { id: i.id, kind: 'pattern', text: i.pattern } : { id: i.id, kind: 'term', text: i.term ?? '' });
const itemOf = (r: Row): BlocklistItem => ({ id: r.id.trim(), [r.kind]: r.text });

function ItemRow({ row, n, onChange, onRemove }: { row: Row; n: number; onChange: (r: Row) => void; onRemove: () => void }) {
  return (
    <tr>
      <td>
        <input aria-label={`Item ${n} id`} value={row.id} onChange={(e) => onChange({ ...row, id: e.target.value })} className="item-id" />
      </td>
      <td>
        <select aria-label={`Item ${n} kind`} value={row.kind} onChange={(e) => onChange({ ...row, kind: e.target.value as Row['kind'] })}>
          <option value="term">Term (whole words)</option>
          <option value="pattern">Pattern (RE2)</option>
        </select>
      </td>
      <td>
        <input aria-label={`Item ${n} ${row.kind}`} value={row.text} onChange={(e) => onChange({ ...row, text: e.target.value })} className="mono item-text" />
      </td>
      <td>
        <button type="button" className="small ghost" aria-label={`Remove item ${n}`} onClick={onRemove}>
          Remove
        </button>
      </td>
    </tr>
  );
}

/** A blocklist's items (each an id and a term or a pattern); `name` undefined: a new one. */
export function BlocklistForm({ name: existing, onClose, onSaved }: { name?: string; onClose: () => void; onSaved: () => void }) {
  const loaded = useLoad(() => (existing ? safetyApi.blocklist(existing).then((b) => b.items.map(rowOf)) : Promise.resolve([])), [existing]);
  const [name, setName] = useState(existing ?? '');
  const [edited, setRows] = useState<Row[]>();
  const rows = edited ?? loaded.data ?? [];
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const update = (next: Row[]) => (setRows(next), setError(undefined));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) return setError('give the blocklist a name');
    if (rows.some((r) => !r.id.trim() || !r.text)) return setError('every item needs an id and its term or pattern');
    setBusy(true);
    try {
      await safetyApi.putBlocklist(name.trim(), rows.map(itemOf));
      notify('success', `Blocklist ${name.trim()} saved`);
      onSaved();
      onClose();
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  return (
    <Modal title={existing ? `Edit blocklist ${existing}` : 'New blocklist'} onClose={onClose}>
      <form onSubmit={submit} className="blocklist-form">
        {!existing && (
          <label className="field">
            <span>Blocklist name</span>
            <input value={name} autoFocus onChange={(e) => (setName(e.target.value), setError(undefined))} placeholder="competitors" />
          </label>
        )}
        {loaded.error && <p className="error-text">{loaded.error.message}</p>}
        <table className="list compact" aria-label="Blocklist items">
          <thead>
            <tr>
              <th>Id</th>
              <th>Kind</th>
              <th>Term or pattern</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <ItemRow key={i} row={r} n={i + 1} onChange={(nr) => update(rows.map((x, j) => (j === i ? nr : x)))} onRemove={() => update(rows.filter((_, j) => j !== i))} />
            ))}
          </tbody>
        </table>
        <button type="button" className="small" autoFocus={!!existing} onClick={() => update([...rows, { id: String(rows.length + 1), kind: 'term', text: '' }])}>
          Add item
        </button>
        <FormFoot error={error} busy={busy} ready={!loaded.loading} submit="Save blocklist" onCancel={onClose} />
      </form>
    </Modal>
  );
}
