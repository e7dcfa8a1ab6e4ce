import { useEffect, useRef, useState } from 'react';
import { notify } from '../components/toast.tsx';
import { href } from '../shell/router.ts';
import { callsPerMin, exact, tokensPerMin } from './format.ts';
import { LimitForm, useFocusBack } from './limit-form.tsx';
import { quotasApi, type Pool } from './quotas-api.ts';
import { UsageBar } from './usage-bar.tsx';

/** A figure shown short, exact in its title (1M tokens/min ↔ 1,000,000 tokens a minute). */
function Figure({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId} title={`${exact(value)} tokens a minute`}>
        {tokensPerMin(value)}
      </dd>
    </div>
  );
}

/** One remote model's pool: its size, what its deployments hold and what is left, and each deployment's share. */
export function PoolCard({ pool: p, focused, onSaved }: { pool: Pool; focused: boolean; onSaved: (p: Pool) => void }) {
  const [editing, setEditing] = useState(false);
  const editButton = useFocusBack(editing);
  const ref = useRef<HTMLElement>(null);
  // Opened from a deployment's page (#/quotas/<model>): bring its pool into view.
  useEffect(() => {
    if (focused) ref.current?.scrollIntoView({ block: 'start' });
  }, [focused]);

  return (
    <section ref={ref} className={`card pool-card${focused ? ' focused' : ''}`} aria-label={`Pool of ${p.model}`} data-testid={`pool-${p.model}`}>
      <div className="row wrap">
        <h2>
          <a href={href('models', p.model)}>{p.model}</a>
        </h2>
        {p.default && (
          <span className="tag" title="The configured default (WEIR_QUOTA_TPM): no pool has been set for this model">
            default
          </span>
        )}
        <span className="spacer" />
        {!editing && (
          <button ref={editButton} type="button" className="small" aria-label={`Edit pool of ${p.model}`} onClick={() => setEditing(true)}>
            Edit pool
          </button>
        )}
      </div>
      <dl className="pool-figures">
        <Figure label="Pool" value={p.tpm} testId="pool-tpm" />
        <Figure label="Allocated" value={p.allocated} testId="pool-allocated" />
        <Figure label="Left" value={p.left} testId="pool-left" />
      </dl>
      <UsageBar allocated={p.allocated} tpm={p.tpm} label={`Allocation of ${p.model}'s pool`} />
      {editing && (
        <LimitForm
          label={`Pool of ${p.model} (tokens a minute)`}
          initial={p.tpm}
          max={1_000_000_000_000}
          preview={(n) => `${tokensPerMin(n)}${n >= p.allocated ? `, ${exact(n - p.allocated)} left` : ''}`}
          onCancel={() => setEditing(false)}
          onSave={async (tpm) => {
            const saved = await quotasApi.set(p.model, tpm);
            notify('success', `Pool of ${p.model} set to ${exact(tpm)} tokens a minute`);
            setEditing(false);
            onSaved(saved);
          }}
        />
      )}
      {p.deployments.length ? (
        <table className="list compact" aria-label={`Deployments of ${p.model}`}>
          <thead>
            <tr>
              <th>Deployment</th>
              <th>Tokens a minute</th>
              <th>Requests a minute</th>
            </tr>
          </thead>
          <tbody>
            {p.deployments.map((d) => (
              <tr key={d.name} data-testid={`pool-deployment-${d.name}`}>
                <td>
                  <a href={href('deployments', d.name)}>{d.name}</a>
                </td>
                <td title={`${exact(d.tpm)} tokens a minute`}>{tokensPerMin(d.tpm)}</td>
                <td title={`${exact(d.rpm)} requests a minute`}>{callsPerMin(d.rpm)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No deployment holds any of this pool yet.</p>
      )}
    </section>
  );
}
