import { useState } from 'react';
import { CopyButton, Modal, useLoad } from '../components/ui.tsx';
import { notify, notifyError } from '../components/toast.tsx';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { deploymentsApi, formatTime, type CreatedKey, type DeploymentKey } from './deployments-api.ts';

/** A deployment's keys: only prefixes are listed, since the server keeps nothing but a hash. */
export function KeysPanel({ name, onCreated }: { name: string; onCreated: (k: CreatedKey) => void }) {
  const keys = useLoad(() => deploymentsApi.keys(name), [name]);
  const [keyName, setKeyName] = useState('default');
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<CreatedKey>();
  const [revoking, setRevoking] = useState<DeploymentKey>();

  const create = async () => {
    setBusy(true);
    try {
      const k = await deploymentsApi.createKey(name, keyName.trim() || 'default');
      setShown(k);
      onCreated(k);
      keys.reload();
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(false);
    }
  };

  const active = keys.data?.filter((k) => k.active) ?? [];
  const revoked = keys.data?.filter((k) => !k.active) ?? [];
  return (
    <section className="card" aria-label="Keys">
      <div className="row">
        <h2>Keys</h2>
        <span className="spacer" />
        <input aria-label="Key name" value={keyName} maxLength={100} onChange={(e) => setKeyName(e.target.value)} className="key-name" />
        <button type="button" className="primary small" disabled={busy} onClick={create}>
          Create key
        </button>
      </div>
      {keys.error && <p className="error-text">{keys.error.message}</p>}
      {keys.data && !keys.data.length && <p className="muted">No keys yet: callers need one (Authorization: Bearer &lt;key&gt; or api-key: &lt;key&gt;).</p>}
      {!!keys.data?.length && (
        <table className="list compact" aria-label="Deployment keys">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {[...active, ...revoked].map((k) => (
              <tr key={k.id} data-testid={`key-${k.id}`} className={k.active ? '' : 'revoked'}>
                <td>{k.name}</td>
                <td className="mono">{k.prefix}…</td>
                <td className="muted">{formatTime(k.created_at)}</td>
                <td className="muted">{k.last_used_at ? formatTime(k.last_used_at) : 'never'}</td>
                <td className="muted">{k.expires_at ? formatTime(k.expires_at) : '—'}</td>
                <td className="actions">
                  {k.revoked_at ? (
                    <span className="tag bad" title={`revoked ${formatTime(k.revoked_at)}`}>
                      revoked
                    </span>
                  ) : !k.active ? (
                    <span className="tag bad" title={`expired ${formatTime(k.expires_at!)}`}>
                      expired
                    </span>
                  ) : (
                    <button type="button" className="danger small" aria-label={`Revoke key ${k.prefix}`} onClick={() => setRevoking(k)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown && (
        <Modal
          title="Your new key"
          onClose={() => setShown(undefined)}
          actions={
            <button type="button" className="primary" onClick={() => setShown(undefined)}>
              I have stored it
            </button>
          }
        >
          <p className="warn-box" role="note">
            Copy this key now: it is shown <b>only once</b>. Weir keeps only a hash of it and cannot show it again; if you lose it, create another and
            revoke this one.
          </p>
          <div className="row new-key">
            <input readOnly aria-label="New key" data-testid="new-key" value={shown.key} onFocus={(e) => e.target.select()} className="mono" />
            <CopyButton text={shown.key} />
          </div>
          <p className="muted">It is also filled into the code snippets and the Try it box on this page until you leave it.</p>
        </Modal>
      )}
      {revoking && (
        <ConfirmDialog
          title="Revoke key"
          confirmLabel="Revoke"
          onClose={() => setRevoking(undefined)}
          onConfirm={async () => {
            await deploymentsApi.revokeKey(name, revoking.id);
            notify('success', `Key ${revoking.prefix}… revoked`);
            keys.reload();
          }}
        >
          <p>
            Calls with <span className="mono">{revoking.prefix}…</span> ({revoking.name}) will be refused with 401 from now on. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
