import { useState } from 'react';
import { DeleteDialog } from './delete-dialog.tsx';
import { PolicyForm } from './policy-form.tsx';
import { classifierText, HARMS, harmLabel, safetyApi, type Policy } from './safety-api.ts';

/** "violence medium · hate off …" in a line; categories at the default (medium) are left out. */
function thresholds(t: Policy['prompt']): string {
  const changed = HARMS.filter((h) => t[h] !== 'medium').map((h) => `${harmLabel(h)} ${t[h]}`);
  return changed.length ? `medium, but ${changed.join(', ')}` : 'medium and above';
}

function PolicyRow({ p, onEdit, onDelete }: { p: Policy; onEdit: () => void; onDelete: () => void }) {
  return (
    <tr data-testid={`policy-${p.name}`}>
      <td>
        <b>{p.name}</b>
        {p.name === 'default' && <span className="muted"> (deployments without a policy of their own)</span>}
      </td>
      <td>{thresholds(p.prompt)}</td>
      <td>{thresholds(p.completion)}</td>
      <td>{p.jailbreak ? 'on' : 'off'}</td>
      <td>{p.blocklists.length ? p.blocklists.join(', ') : <span className="muted">none</span>}</td>
      <td>{classifierText(p.classifier)}</td>
      <td className="actions">
        <button type="button" className="small" aria-label={`Edit policy ${p.name}`} onClick={onEdit}>
          Edit
        </button>
        <button type="button" className="small danger" aria-label={`${p.name === 'default' ? 'Reset' : 'Delete'} policy ${p.name}`} onClick={onDelete}>
          {p.name === 'default' ? 'Reset' : 'Delete'}
        </button>
      </td>
    </tr>
  );
}

/** The policies (default listed even when never stored), with create, edit and delete. */
export function PoliciesPanel({ policies, blocklists, onChanged }: { policies: Policy[]; blocklists: string[]; onChanged: () => void }) {
  const [editing, setEditing] = useState<Policy | 'new'>();
  const [deleting, setDeleting] = useState<string>();
  return (
    <section className="card" aria-label="Policies">
      <div className="row">
        <h2>Policies</h2>
        <span className="spacer" />
        <button type="button" className="primary small" onClick={() => setEditing('new')}>
          New policy
        </button>
      </div>
      <p className="muted">
        Each deployment's calls pass its policy: prompts are judged before the model or flow runs, completions as they are produced. A category is blocked at
        its threshold and above.
      </p>
      <table className="list compact" aria-label="Safety policies">
        <thead>
          <tr>
            <th>Policy</th>
            <th>Prompts</th>
            <th>Completions</th>
            <th>Jailbreak shield</th>
            <th>Blocklists</th>
            <th>Classifier</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {policies.map((p) => (
            <PolicyRow key={p.name} p={p} onEdit={() => setEditing(p)} onDelete={() => setDeleting(p.name)} />
          ))}
        </tbody>
      </table>
      {editing && <PolicyForm policy={editing === 'new' ? undefined : editing} blocklists={blocklists} onClose={() => setEditing(undefined)} onSaved={onChanged} />}
      {deleting && (
        <DeleteDialog
          title={deleting === 'default' ? 'Reset the default policy' : `Delete policy ${deleting}`}
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await safetyApi.deletePolicy(deleting);
            onChanged();
          }}
        >
          <p>
            {deleting === 'default' ? (
              <>The default policy goes back to Azure's defaults: medium and above blocked both ways, the jailbreak shield on.</>
            ) : (
              <>
                <b>{deleting}</b> is deleted. A deployment that uses it must be given another policy first.
              </>
            )}
          </p>
        </DeleteDialog>
      )}
    </section>
  );
}
