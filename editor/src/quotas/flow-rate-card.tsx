import { useState } from 'react';
import { notify, notifyError } from '../components/toast.tsx';
import { deploymentsApi, type FlowDeployment } from '../deployments/deployments-api.ts';
import { callsPerMin, exact } from './format.ts';
import { LimitForm, useFocusBack } from './limit-form.tsx';

/** A flow deployment's own calls a minute across every caller (keys may have tighter limits of their own). */
export function FlowRateCard({ deployment: d, onSaved }: { deployment: FlowDeployment; onSaved: (d: FlowDeployment) => void }) {
  const [editing, setEditing] = useState(false);
  const editButton = useFocusBack(editing);
  const [busy, setBusy] = useState(false);

  const lift = async () => {
    setBusy(true);
    try {
      const saved = (await deploymentsApi.setLimits(d.name, { rpm: null })) as FlowDeployment;
      notify('success', `${d.name} has no rate limit of its own now`);
      onSaved(saved);
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-label="Rate limit">
      <div className="row">
        <h2>Rate limit</h2>
        <span className="spacer" />
        {!editing && (
          <button ref={editButton} type="button" className="small" onClick={() => setEditing(true)}>
            {d.rpm === null ? 'Set limit' : 'Change limit'}
          </button>
        )}
        {!editing && d.rpm !== null && (
          <button type="button" className="small" disabled={busy} onClick={lift}>
            Lift limit
          </button>
        )}
      </div>
      <p data-testid="flow-rpm">
        {d.rpm === null ? (
          <span className="muted">No limit of its own: callers are held only by their keys' limits.</span>
        ) : (
          <>
            At most <b title={`${exact(d.rpm)} calls a minute`}>{callsPerMin(d.rpm)}</b> across every caller; calls beyond it are refused with 429.
          </>
        )}
      </p>
      {editing && (
        <LimitForm
          label="Calls a minute"
          initial={d.rpm ?? undefined}
          max={1_000_000_000}
          preview={(n) => callsPerMin(n)}
          onCancel={() => setEditing(false)}
          onSave={async (rpm) => {
            const saved = (await deploymentsApi.setLimits(d.name, { rpm })) as FlowDeployment;
            notify('success', `${d.name} is limited to ${exact(rpm)} calls a minute`);
            setEditing(false);
            onSaved(saved);
          }}
        />
      )}
    </section>
  );
}
