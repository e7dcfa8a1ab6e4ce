import { useEffect, useState } from 'react';
import { StatusTag, useLoad } from '../components/ui.tsx';
import { href, navigate } from '../shell/router.ts';
import { DeployFlowDialog } from './deploy-flow-dialog.tsx';
import { deploymentsApi, formatTime, type Deployment } from './deployments-api.ts';
import { EndpointPage } from './endpoint-page.tsx';
import { TrafficSummary } from './traffic-summary.tsx';
import '../styles/deployments.css';

/** `#/deployments` lists every deployment; `#/deployments/<name>` is one endpoint's page. */
export function DeploymentsPage({ name }: { name?: string }) {
  if (name) return <EndpointPage key={name} name={name} />;
  return <DeploymentList />;
}

interface Row {
  d: Deployment;
  keys?: number;
}

async function loadRows(): Promise<Row[]> {
  return (await deploymentsApi.list()).map((d) => ({ d, keys: d.active_keys }));
}

function DeploymentList() {
  const rows = useLoad(loadRows, []);
  const [creating, setCreating] = useState(false);
  const loading = rows.data?.some((r) => r.d.kind === 'model' && r.d.state === 'loading');

  // A model being loaded changes state on its own; look again until it settles.
  useEffect(() => {
    if (!loading) return;
    const t = setTimeout(rows.reload, 2000);
    return () => clearTimeout(t);
  });

  return (
    <div className="page-pad deployments">
      <div className="page-head">
        <h1>Deployments</h1>
        <span className="spacer" />
        <a className="button" href={href('models')}>
          Deploy a model
        </a>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          New deployment
        </button>
      </div>
      <p className="muted">
        Each deployment is an HTTP endpoint with its own keys: a flow (one published version, or traffic split across versions) or a model behind the
        OpenAI-compatible API.
      </p>
      {rows.error && (
        <p className="error-text" role="alert">
          {rows.error.message}
        </p>
      )}
      {rows.data && rows.data.length === 0 && (
        <div className="card empty-card">
          <h2>No deployments yet</h2>
          <p className="muted">Publish a flow, then deploy it here to call it over HTTP with a key.</p>
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New deployment
          </button>
        </div>
      )}
      {rows.data && rows.data.length > 0 && (
        <table className="list" aria-label="Deployments">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Serves</th>
              <th>Keys</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {rows.data.map(({ d, keys }) => (
              <tr key={d.name} className="clickable" data-testid={`deployment-row-${d.name}`} onClick={() => navigate('deployments', d.name)}>
                <td>
                  <a href={href('deployments', d.name)} onClick={(e) => e.stopPropagation()}>
                    {d.name}
                  </a>
                </td>
                <td>
                  <span className={`tag ${d.kind === 'flow' ? 'accent' : ''}`}>{d.kind}</span>
                </td>
                <td>
                  {d.kind === 'flow' ? (
                    <span className="row wrap">
                      <a href={href('flows', d.flow)} onClick={(e) => e.stopPropagation()}>
                        {d.flow}
                      </a>
                      <TrafficSummary traffic={d.traffic} />
                    </span>
                  ) : (
                    <span className="row wrap">
                      <span className="mono">{d.model}</span>
                      <StatusTag status={d.state} />
                      {d.reason && <span className="error-text">{d.reason}</span>}
                    </span>
                  )}
                </td>
                <td>{keys ?? '—'}</td>
                <td className="muted">{formatTime(d.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && (
        <DeployFlowDialog
          onClose={() => setCreating(false)}
          onDone={(d) => {
            setCreating(false);
            navigate('deployments', d.name);
          }}
        />
      )}
    </div>
  );
}
