import { useState } from 'react';
import { CopyButton, Modal, useLoad } from '../components/ui.tsx';
import { notify, notifyError } from '../components/toast.tsx';
import { exact, short } from '../quotas/format.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { deploymentsApi, formatTime, type CreatedKey, type DeploymentKey, type KeyLimits } from './deployments-api.ts';

/** An optional limit as typed: empty is none; anything but a whole number from 1 is refused before the call. */
function parseLimit(text: string, what: string): number | undefined {
  if (!text.trim()) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${what} is a whole number from 1, or empty for no limit`);
  return n;
}

/** A key's own limits, under its name (a column of their own would push the table past the card); exact figures in titles. */
function Limits({ k }: { k: DeploymentKey }) {
  if (k.rpm === null && k.tpm === null) return null;
  return (
    <span className="key-limit-list muted" data-testid="key-limits">
      {k.rpm !== null && <span title={`${exact(k.rpm)} calls a minute`}>{short(k.rpm)} calls/min</span>}
      {k.tpm !== null && <span title={`${exact(k.tpm)} tokens a minute`}>{short(k.tpm)} tokens/min</span>}
    </span>
  );
}

/** A deployment's keys: only prefixes are listed, since the server keeps nothing but a hash. */
export function KeysPanel({ name, onCreated }: { name: string; onCreated: (k: CreatedKey) => void }) {
  const keys = useLoad(() => deploymentsApi.keys(name), [name]);
  const [keyName, setKeyName] = useState('default');
  const [rpm, setRpm] = useState('');
  const [tpm, setTpm] = useState('');
  const [limitError, setLimitError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<CreatedKey>();
  const [revoking, setRevoking] = useState<DeploymentKey>();

  const create = async () => {
    let limits: KeyLimits;
    try {
      limits = { rpm: parseLimit(rpm, 'Calls a minute'), tpm: parseLimit(tpm, 'Tokens a minute') };
    } catch (err) {
      return setLimitError((err as Error).message);
    }
    setBusy(true);
    try {
      const k = await deploymentsApi.createKey(name, keyName.trim() || 'default', limits);
      setShown(k);
      onCreated(k);
      setRpm('');
      setTpm('');
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
      <div className="row wrap key-limits">
        <span className="muted">Optional limits of the new key:</span>
        <input
          type="number"
          min={1}
          step={1}
          aria-label="Key calls a minute"
          placeholder="calls/min"
          value={rpm}
          onChange={(e) => {
            setRpm(e.target.value);
            setLimitError(undefined);
          }}
        />
        <input
          type="number"
          min={1}
          step={1}
          aria-label="Key tokens a minute"
          placeholder="tokens/min"
          value={tpm}
          onChange={(e) => {
            setTpm(e.target.value);
            setLimitError(undefined);
          }}
        />
      </div>
      {limitError && (
        <p className="error-text" role="alert">
          {limitError}
        </p>
      )}
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
                <td>
                  {k.name}
                  <Limits k={k} />
                </td>
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
