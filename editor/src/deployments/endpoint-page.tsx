import { useEffect, useMemo, useState } from 'react';
import { ApiError } from '../api/client.ts';
import { CopyButton, StatusTag, useLoad } from '../components/ui.tsx';
import { notify } from '../components/toast.tsx';
import { AllocationCard } from '../quotas/allocation-card.tsx';
import { FlowRateCard } from '../quotas/flow-rate-card.tsx';
import { href, navigate } from '../shell/router.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { GovernancePanel } from './governance-panel.tsx';
import { deploymentsApi, formatTime, mainVersion, type CreatedKey, type Deployment } from './deployments-api.ts';
import { KeysPanel } from './keys-panel.tsx';
import { OpenApiButton } from './openapi-button.tsx';
import { RecentRuns } from './recent-runs.tsx';
import { flowTarget, modelTarget, type CallTarget } from './snippets.ts';
import { SnippetsPanel } from './snippets-panel.tsx';
import { TrafficEditor } from './traffic-editor.tsx';
import { TrafficSummary } from './traffic-summary.tsx';
import { TryIt } from './try-it.tsx';
import { WebAppPanel } from './web-app-panel.tsx';
import '../styles/deployments.css';

/** One deployment: where to call it, its traffic, keys, limits, code to copy, a test call and its last runs. */
export function EndpointPage({ name }: { name: string }) {
  const loaded = useLoad(() => deploymentsApi.get(name), [name]);
  const [saved, setSaved] = useState<Deployment>();
  const d = saved && loaded.data && saved.updated_at >= loaded.data.updated_at ? saved : loaded.data;
  // Only this page ever sees a new key's secret; it lives here until the page is left.
  const [created, setCreated] = useState<CreatedKey>();
  // The run id of the last Try it call (and a count, since a refused call has none).
  const [lastRun, setLastRun] = useState<{ id?: string; n: number }>({ n: 0 });
  const [deleting, setDeleting] = useState(false);
  const target = useTarget(d);

  // A model deployment loads in the background: look again until it is ready or failed.
  const modelLoading = d?.kind === 'model' && d.state === 'loading';
  useEffect(() => {
    if (!modelLoading) return;
    const t = setTimeout(loaded.reload, 2000);
    return () => clearTimeout(t);
  });

  if (loaded.error) {
    const missing = loaded.error instanceof ApiError && loaded.error.status === 404;
    return (
      <div className="page-pad">
        <p className="error-text" role="alert">
          {missing ? `There is no deployment named "${name}".` : loaded.error.message}
        </p>
        <a href={href('deployments')}>Back to deployments</a>
      </div>
    );
  }
  if (!d) return <div className="loading">Loading…</div>;

  const url = d.kind === 'flow' ? `${location.origin}/deployments/${d.name}/score` : `${location.origin}/v1`;
  return (
    <div className="page-pad deployments endpoint-page">
      <div className="crumbs">
        <a href={href('deployments')}>Deployments</a> /
      </div>
      <div className="page-head">
        <h1>{d.name}</h1>
        <span className={`tag ${d.kind === 'flow' ? 'accent' : ''}`}>{d.kind}</span>
        {d.kind === 'model' ? <StatusTag status={d.state} /> : <StatusTag status="ready" />}
        <span className="spacer" />
        <a className="button" href="/docs" target="_blank" rel="noreferrer">
          API reference
        </a>
        <OpenApiButton name={d.name} keyValue={created?.key} />
        <button type="button" className="danger" onClick={() => setDeleting(true)}>
          Delete
        </button>
      </div>

      <section className="card endpoint-card" aria-label="Endpoint">
        <div className="endpoint-url">
          <span className="tag">{d.kind === 'flow' ? 'POST' : 'base URL'}</span>
          <code data-testid="endpoint-url">{url}</code>
          <CopyButton text={url} />
        </div>
        <dl className="facts">
          {d.kind === 'flow' ? (
            <>
              <dt>Flow</dt>
              <dd>
                <a href={href('flows', d.flow)}>{d.flow}</a> <TrafficSummary traffic={d.traffic} />
              </dd>
              <dt>Headers</dt>
              <dd className="muted">
                <code>weir-version: N</code> pins a deployed version; every answer carries <code>weir-version</code> and <code>x-request-id</code> (the run id);{' '}
                <code>accept: text/event-stream</code> streams.
              </dd>
            </>
          ) : (
            <>
              <dt>Model</dt>
              <dd>
                <code>model: "{d.name}"</code> <span className="muted">serves</span> <a href={href('models', d.model)}>{d.model}</a>
                {d.remote_model && <span className="muted"> as {d.remote_model}</span>}
                {d.connection && <span className="muted"> via connection {d.connection}</span>}
              </dd>
              <dt>State</dt>
              <dd>
                <StatusTag status={d.state} /> {d.reason && <span className="error-text">{d.reason}</span>}
                {d.loaded_at && <span className="muted"> loaded {formatTime(d.loaded_at)}</span>}
              </dd>
              <dt>Azure OpenAI</dt>
              <dd>
                <code>{location.origin + d.azure_endpoint}</code>
              </dd>
            </>
          )}
          <dt>Created</dt>
          <dd className="muted">{formatTime(d.created_at)}</dd>
        </dl>
      </section>

      <div className="endpoint-grid">
        {d.kind === 'flow' && <TrafficEditor deployment={d} onSaved={setSaved} />}
        <KeysPanel name={d.name} onCreated={setCreated} />
        {d.kind === 'flow' && <FlowRateCard deployment={d} onSaved={setSaved} />}
        {/* Local models have no allocation: they draw on this machine's compute. */}
        {d.kind === 'model' && d.tpm !== null && <AllocationCard deployment={{ ...d, tpm: d.tpm }} onSaved={setSaved} />}
        <GovernancePanel deployment={d} onSaved={setSaved} />
      </div>
      <div className="endpoint-grid">
        <SnippetsPanel target={target} keyValue={created?.key} />
        <TryIt target={target} keyValue={created?.key} onSent={(id) => setLastRun((r) => ({ id, n: r.n + 1 }))} />
      </div>
      <WebAppPanel deployment={d} onSaved={setSaved} />
      {d.kind === 'flow' && <RecentRuns name={d.name} awaited={lastRun.id} tick={lastRun.n} />}

      {deleting && (
        <ConfirmDialog
          title="Delete deployment"
          confirmLabel="Delete"
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await deploymentsApi.remove(d.name);
            notify('success', `Deployment ${d.name} deleted`);
            navigate('deployments');
          }}
        >
          <p>
            <b>{d.name}</b> stops answering and its keys are deleted. Its runs stay as history{d.kind === 'flow' ? '; the flow and its versions are kept' : ''}.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

/** The route and example body of a deployment: a flow version's inputs, or a model's task. */
function useTarget(d: Deployment | undefined): CallTarget {
  const flow = d?.kind === 'flow' ? d.flow : undefined;
  const version = d?.kind === 'flow' ? mainVersion(d.traffic) : undefined;
  const model = d?.kind === 'model' ? d.model : undefined;
  const def = useLoad(() => (flow && version ? deploymentsApi.version(flow, version).then((v) => v.definition) : Promise.resolve(undefined)), [flow, version]);
  const task = useLoad(() => (model ? deploymentsApi.model(model).then((m) => m.task) : Promise.resolve(undefined)), [model]);
  const name = d?.name ?? '';
  return useMemo(() => (model !== undefined ? modelTarget(name, task.data) : flowTarget(name, def.data)), [name, model, task.data, def.data]);
}
