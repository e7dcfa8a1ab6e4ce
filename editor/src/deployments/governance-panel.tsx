import { useMemo, useState } from 'react';
import { useLoad } from '../components/ui.tsx';
import { notify } from '../components/toast.tsx';
import { callsPerMin, exact, rpmOf, tokensPerMin } from '../quotas/format.ts';
import { safetyApi } from '../safety/safety-api.ts';
import { href } from '../shell/router.ts';
import { costTitle, usd } from '../usage/format.ts';
import { presetRange } from '../usage/range.ts';
import { usageApi } from '../usage/usage-api.ts';
import { deploymentsApi, type Deployment } from './deployments-api.ts';

/** What the deployment may use a minute: a model's allocation (and the requests it gives), a flow's own rpm. */
function Allocation({ d }: { d: Deployment }) {
  if (d.kind === 'flow') return <>{d.rpm === null ? 'no limit' : callsPerMin(d.rpm)}</>;
  if (d.tpm === null) return <span className="muted">none: a local model draws on this machine's compute</span>;
  return (
    <span title={`${exact(d.tpm)} tokens and ${exact(rpmOf(d.tpm))} requests a minute`}>
      {tokensPerMin(d.tpm)} · {callsPerMin(rpmOf(d.tpm))}
    </span>
  );
}

function PolicySelect({ d, onSaved }: { d: Deployment; onSaved: (d: Deployment) => void }) {
  const policies = useLoad(() => safetyApi.policies(), []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const names = policies.data?.map((p) => p.name) ?? [];
  // The deployment's own, listed even before the list arrives (or when it names one deleted since).
  if (!names.includes(d.safety_policy)) names.push(d.safety_policy);
  return (
    <>
      <select
        aria-label="Safety policy"
        value={d.safety_policy}
        disabled={busy}
        onChange={async (e) => {
          const policy = e.target.value;
          setBusy(true);
          setError(undefined);
          try {
            onSaved(await deploymentsApi.setSafetyPolicy(d.name, policy));
            notify('success', `${d.name} now passes safety policy ${policy}`);
          } catch (err) {
            setError((err as Error).message);
          } finally {
            setBusy(false);
          }
        }}
      >
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>{' '}
      <a href={href('safety')}>Policies</a>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

/** The deployment's requests, tokens and cost over the last 24 hours. */
function DayUsage({ name }: { name: string }) {
  const range = useMemo(() => presetRange('24h'), [name]);
  const usage = useLoad(() => usageApi.report({ ...range, deployment: name }, []), [name, range]);
  if (usage.error) return <span className="error-text">{usage.error.message}</span>;
  if (!usage.data) return <span className="muted">Loading…</span>;
  const t = usage.data.total;
  return (
    <span data-testid="governance-usage">
      <span data-testid="day-requests">{exact(t.requests)}</span> requests · <span data-testid="day-tokens">{exact(t.total_tokens)}</span> tokens ·{' '}
      <span data-testid="day-cost" title={costTitle(t.cost)}>
        {usd(t.cost)}
      </span>{' '}
      <a href={href('usage', name)}>See usage</a>
    </span>
  );
}

/** A deployment's governance at a glance: its allocation, the safety policy its calls pass (chosen here), and its last day of usage. */
export function GovernancePanel({ deployment: d, onSaved }: { deployment: Deployment; onSaved: (d: Deployment) => void }) {
  return (
    <section className="card" aria-label="Governance">
      <h2>Governance</h2>
      <dl className="facts">
        <dt>Allocation</dt>
        <dd data-testid="governance-allocation">
          <Allocation d={d} />
        </dd>
        <dt>Safety policy</dt>
        <dd>
          <PolicySelect d={d} onSaved={onSaved} />
        </dd>
        <dt>Last 24 hours</dt>
        <dd>
          <DayUsage name={d.name} />
        </dd>
      </dl>
    </section>
  );
}
