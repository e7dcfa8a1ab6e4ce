import { useState } from 'react';
import { useLoad } from '../components/ui.tsx';
import { href } from '../shell/router.ts';
import { ComputeCard } from './compute-card.tsx';
import { exact, tokensPerMin } from './format.ts';
import { PoolCard } from './pool-card.tsx';
import type { Pool } from './quotas-api.ts';
import { quotasApi } from './quotas-api.ts';
import '../styles/quotas.css';

/** `#/quotas` lists each remote model's pool; `#/quotas/<model>` brings that one into view. */
export function QuotasPage({ model }: { model?: string }) {
  const pools = useLoad(() => quotasApi.list(), []);
  // A saved pool replaces the listed one without reloading the rest.
  const [saved, setSaved] = useState<Record<string, Pool>>({});
  const list = pools.data?.data.map((p) => saved[p.model] ?? p);

  return (
    <div className="page-pad quotas">
      <div className="page-head">
        <h1>Quotas</h1>
      </div>
      <p className="muted">
        Each remote (API) model has a pool of tokens a minute
        {pools.data && (
          <span title={`${exact(pools.data.default_tpm)} tokens a minute`}> ({tokensPerMin(pools.data.default_tpm)} until you set it)</span>
        )}
        ; each of its deployments takes an allocation out of it
        {pools.data && (
          <span title={`${exact(pools.data.default_allocation_tpm)} tokens a minute`}> ({tokensPerMin(pools.data.default_allocation_tpm)} by default, or what is left)</span>
        )}
        , which also gives it 6 requests a minute per 1,000 tokens a minute. Calls beyond an allocation are refused with 429.
      </p>
      {pools.error && (
        <p className="error-text" role="alert">
          {pools.error.message}
        </p>
      )}
      {!pools.data && !pools.error && <div className="loading">Loading…</div>}
      {list && list.length === 0 && (
        <div className="card empty-card">
          <h2>No pools yet</h2>
          <p className="muted">
            Pools apply to remote API models (such as GPT-4o), which are billed and rate-limited per token. Local models have no pool: they draw on this
            machine's compute instead.
          </p>
          <p className="muted">
            To get one, open a remote model on the <a href={href('models')}>Models</a> page and deploy it through a connection; its pool shows here with
            what the deployment holds.
          </p>
          <a className="button" href={href('models')}>
            Browse models
          </a>
        </div>
      )}
      {list && list.length > 0 && (
        <div className="pools">
          {list.map((p) => (
            <PoolCard key={p.model} pool={p} focused={p.model === model} onSaved={(s) => setSaved((m) => ({ ...m, [s.model]: s }))} />
          ))}
        </div>
      )}
      <ComputeCard />
    </div>
  );
}
