import { useState } from 'react';
import { useLoad } from '../components/ui.tsx';
import { notify } from '../components/toast.tsx';
import { deploymentsApi, type ModelDeployment } from '../deployments/deployments-api.ts';
import { href } from '../shell/router.ts';
import { callsPerMin, exact, rpmOf, tokensPerMin } from './format.ts';
import { LimitForm, useFocusBack } from './limit-form.tsx';
import { quotasApi } from './quotas-api.ts';

/** A remote model deployment's allocation from its model's pool, and the requests a minute it gives. */
export function AllocationCard({ deployment: d, onSaved }: { deployment: ModelDeployment & { tpm: number }; onSaved: (d: ModelDeployment) => void }) {
  const [editing, setEditing] = useState(false);
  const editButton = useFocusBack(editing);
  // What the pool has left, so the edit can say how far this allocation may grow.
  const pool = useLoad(() => quotasApi.get(d.model), [d.model, d.updated_at]);
  const room = pool.data ? pool.data.left + d.tpm : undefined;

  return (
    <section className="card" aria-label="Quota">
      <div className="row">
        <h2>Quota</h2>
        <span className="spacer" />
        {!editing && (
          <button ref={editButton} type="button" className="small" onClick={() => setEditing(true)}>
            Edit allocation
          </button>
        )}
      </div>
      <dl className="facts">
        <dt>Tokens a minute</dt>
        <dd data-testid="allocation-tpm" title={`${exact(d.tpm)} tokens a minute`}>
          {tokensPerMin(d.tpm)}
        </dd>
        <dt>Requests a minute</dt>
        <dd data-testid="allocation-rpm" title={`${exact(d.rpm ?? rpmOf(d.tpm))} requests a minute`}>
          {callsPerMin(d.rpm ?? rpmOf(d.tpm))} <span className="muted">(6 per 1,000 tokens a minute)</span>
        </dd>
        <dt>Pool</dt>
        <dd>
          <a href={href('quotas', d.model)}>{d.model}'s pool</a>
          {pool.data && (
            <span className="muted" title={`${exact(pool.data.left)} of ${exact(pool.data.tpm)} tokens a minute left`}>
              {' '}
              — {tokensPerMin(pool.data.left)} left of {tokensPerMin(pool.data.tpm)}
            </span>
          )}
        </dd>
      </dl>
      {editing && (
        <LimitForm
          label="Allocation (tokens a minute)"
          initial={d.tpm}
          preview={(n) => `${callsPerMin(rpmOf(n))}${room !== undefined ? ` · up to ${exact(room)} fits` : ''}`}
          onCancel={() => setEditing(false)}
          onSave={async (tpm) => {
            const saved = (await deploymentsApi.setLimits(d.name, { tpm })) as ModelDeployment;
            notify('success', `${d.name} now has ${exact(tpm)} tokens a minute`);
            setEditing(false);
            onSaved(saved);
          }}
        />
      )}
      <p className="muted">Calls beyond the allocation are refused with 429 and Azure's x-ratelimit headers until the minute rolls over.</p>
    </section>
  );
}
