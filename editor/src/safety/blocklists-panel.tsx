import { useState } from 'react';
import { BlocklistForm } from './blocklist-form.tsx';
import { DeleteDialog } from './delete-dialog.tsx';
import { safetyApi } from './safety-api.ts';

/** Custom blocklists (terms and RE2 patterns) that policies name. */
export function BlocklistsPanel({ lists, onChanged }: { lists: { name: string; items: number }[]; onChanged: () => void }) {
  const [editing, setEditing] = useState<string | null>();
  const [deleting, setDeleting] = useState<string>();
  return (
    <section className="card" aria-label="Blocklists">
      <div className="row">
        <h2>Blocklists</h2>
        <span className="spacer" />
        <button type="button" className="small" onClick={() => setEditing(null)}>
          New blocklist
        </button>
      </div>
      <p className="muted">Terms match whole words; patterns are RE2 regular expressions. A policy that names a list filters prompts and completions that match it.</p>
      {lists.length ? (
        <table className="list compact" aria-label="Custom blocklists">
          <thead>
            <tr>
              <th>Blocklist</th>
              <th>Items</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {lists.map((l) => (
              <tr key={l.name} data-testid={`blocklist-${l.name}`}>
                <td>
                  <b>{l.name}</b>
                </td>
                <td>{l.items}</td>
                <td className="actions">
                  <button type="button" className="small" aria-label={`Edit blocklist ${l.name}`} onClick={() => setEditing(l.name)}>
                    Edit
                  </button>
                  <button type="button" className="small danger" aria-label={`Delete blocklist ${l.name}`} onClick={() => setDeleting(l.name)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No blocklists yet.</p>
      )}
      {editing !== undefined && <BlocklistForm name={editing ?? undefined} onClose={() => setEditing(undefined)} onSaved={onChanged} />}
      {deleting && (
        <DeleteDialog
          title={`Delete blocklist ${deleting}`}
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await safetyApi.deleteBlocklist(deleting);
            onChanged();
          }}
        >
          <p>
            <b>{deleting}</b> and its items are deleted. A policy that names it must leave it out first.
          </p>
        </DeleteDialog>
      )}
    </section>
  );
}
