import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../api/client.ts';
import { StatusTag, useLoad } from '../components/ui.tsx';
import { href } from '../shell/router.ts';
import { DeployForm } from './deploy-form.tsx';
import { DownloadPanel } from './download-panel.tsx';
import { AvailabilityTag, ModelBadges } from './model-badges.tsx';
import { formatBytes, formatContext, formatParams, formatPrice, formatSource, taskLabel } from './model-format.ts';
import { isChatModel, isExtractive, type DeploymentInfo, type ModelInfo } from './model-types.ts';
import { useDeployment } from './use-deployment.ts';

export function ModelDetail({ id }: { id: string }) {
  const model = useLoad(() => api<ModelInfo>(`/api/models/${encodeURIComponent(id)}`), [id]);
  const deployments = useLoad(() => api<{ data: DeploymentInfo[] }>('/api/deployments'), [id]);
  const [justDeployed, setJustDeployed] = useState<string>();
  const all = deployments.data?.data ?? [];
  const mine = all.filter((d) => d.kind === 'model' && d.model === id);
  const taken = useMemo(() => new Set(all.map((d) => d.name)), [all]);
  const m = model.data;

  return (
    <div className="page-pad models-page">
      <p className="crumbs"><a href={href('models')}>← Models</a></p>
      {model.error && <p className="error-text" role="alert">{model.error.message}</p>}
      {!m && model.loading && <p className="muted">Loading…</p>}
      {m && (
        <>
          <div className="page-head">
            <h1>{m.name}</h1>
            <ModelBadges model={m} />
          </div>
          {isExtractive(m) && (
            <div className="callout warn" data-testid="extractive-note">
              <strong>Extractive, not generative.</strong> This model never writes new text: it answers by picking the
              sentences of the context you give it that best match the question, in their order, with <code>[n]</code>{' '}
              citations. Give it the context in the system message as <code>[1]</code>, <code>[2]</code>… numbered passages.
            </div>
          )}
          <p className="model-description">{m.description}</p>
          <div className="detail-grid">
            <div className="stack">
              <ModelFacts m={m} />
              <section className="card">
                <h2>Deployments of this model</h2>
                {deployments.error && <p className="error-text" role="alert">{deployments.error.message}</p>}
                {deployments.data && !mine.length && <p className="muted">Not deployed yet.</p>}
                {mine.length > 0 && (
                  <table className="list" aria-label="Deployments of this model">
                    <thead><tr><th>Name</th><th>State</th><th>Created</th><th /></tr></thead>
                    <tbody>
                      {mine.map((d) => <DeploymentRow key={`${d.name}:${d.created_at}`} initial={d} chat={isChatModel(m)} />)}
                    </tbody>
                  </table>
                )}
              </section>
            </div>
            <div className="stack">
              {(m.availability === 'not_downloaded' || (m.availability === 'missing' && m.labels.includes('pulled'))) && <DownloadPanel model={m} onDone={model.reload} />}
              {m.availability === 'missing' && !m.labels.includes('pulled') && m.source.kind === 'local' && (
                <p className="callout warn" role="alert">
                  The file this model was registered from, <code>{m.source.path}</code>, is gone: put it back, or register it again with{' '}
                  <code>weir models add &lt;path&gt; --force</code>.
                </p>
              )}
              {justDeployed && <DeployStatus name={justDeployed} chat={isChatModel(m)} onSettled={deployments.reload} />}
              {deployments.data && (
                <DeployForm
                  key={justDeployed ?? ''}
                  model={m} taken={taken}
                  onDeployed={(d) => {
                    setJustDeployed(d.name);
                    deployments.reload();
                  }}
                />
              )}
            </div>
          </div>
        </>
      )}
    </div>
  );
}

function ModelFacts({ m }: { m: ModelInfo }) {
  const rows: [string, ReactNode][] = [
    ['ID', <code>{m.id}</code>],
    ['Publisher', m.publisher],
    ['Task', taskLabel(m.task)],
    ['Provider', <code>{m.provider}</code>],
    ['Format', m.format],
    ['Runs', m.local ? 'locally, on this machine' : 'remotely, through a connection'],
    ['Weights', <AvailabilityTag model={m} />],
    ['License', m.license],
    ['Parameters', formatParams(m.parameters)],
    ['File size', formatBytes(m.file_size_bytes)],
    ['Context length', m.context_length === null ? '—' : `${formatContext(m.context_length)} tokens`],
    ['Price', formatPrice(m)],
    ['Source', formatSource(m.source)],
  ];
  if (m.dimensions !== null) rows.push(['Dimensions', m.dimensions]);
  if (m.labels.length) rows.push(['Labels', m.labels.join(', ')]);
  return (
    <section className="card">
      <h2>Details</h2>
      <dl className="facts" aria-label="Model details">
        {rows.map(([k, v]) => (
          <div key={k}><dt>{k}</dt><dd>{v}</dd></div>
        ))}
      </dl>
    </section>
  );
}

function DeploymentRow({ initial, chat }: { initial: DeploymentInfo; chat: boolean }) {
  const live = useDeployment(initial.state === 'loading' ? initial.name : undefined).deployment;
  const d = live ?? initial;
  return (
    <tr data-testid={`deployment-${d.name}`}>
      <td><a href={href('deployments', d.name)}>{d.name}</a></td>
      <td>
        <StatusTag status={d.state ?? 'loading'} />
        {d.reason && <div className="error-text small-text">{d.reason}</div>}
      </td>
      <td className="muted small-text">{new Date(d.created_at).toLocaleString()}</td>
      <td>{chat && d.state === 'ready' && <a className="button small" href={href('playground', d.name)}>Open in playground</a>}</td>
    </tr>
  );
}

/** The deployment just created, followed until its model has loaded or failed. */
function DeployStatus({ name, chat, onSettled }: { name: string; chat: boolean; onSettled: () => void }) {
  const { deployment: d, error } = useDeployment(name);
  const state = d?.state ?? 'loading';
  const settled = !!d && state !== 'loading';
  // The table above shows the final state too: refresh it once, when loading ends.
  useEffect(() => {
    if (settled) onSettled();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settled]);
  return (
    <div className={`card deploy-status ${state}`} data-testid="deploy-status" aria-live="polite">
      <div className="row">
        <strong>{name}</strong>
        <StatusTag status={state} />
        <span className="spacer" />
        {chat && state === 'ready' && <a className="button primary" href={href('playground', name)}>Open in playground</a>}
      </div>
      {state === 'loading' && <p className="muted">Loading the model… this page updates by itself.</p>}
      {state === 'ready' && <p className="muted">Ready: call it at <code>/v1/chat/completions</code> with <code>"model": "{name}"</code>{chat ? ', or try it in the playground.' : '.'}</p>}
      {state === 'failed' && <p className="error-text" role="alert">Failed to load: {d?.reason ?? 'no reason given'}</p>}
      {error && <p className="error-text" role="alert">{error.message}</p>}
    </div>
  );
}
