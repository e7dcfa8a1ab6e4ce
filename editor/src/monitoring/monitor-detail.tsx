import { useState } from 'react';
import { notify, notifyError } from '../components/toast.tsx';
import { useLoad } from '../components/ui.tsx';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { href } from '../shell/router.ts';
import { AlertsTable } from './alerts-table.tsx';
import { hours, minutes, monitorState, pct } from './format.ts';
import { MetricsTable } from './metrics-table.tsx';
import { MonitorForm } from './monitor-form.tsx';
import { PassRateChart } from './pass-rate-chart.tsx';
import { monitoringApi, type MonitorConfig } from './monitoring-api.ts';
import { MonitorStateTag } from './state-tag.tsx';
import { TokenStats } from './token-stats.tsx';

function Settings({ m }: { m: MonitorConfig }) {
  return (
    <dl className="monitor-settings">
      <div>
        <dt>Sampling</dt>
        <dd data-testid="monitor-sampling">{pct(m.sampling_rate)} of calls</dd>
      </div>
      <div>
        <dt>Pass rate</dt>
        <dd data-testid="monitor-pass-rate">{pct(m.pass_rate)}</dd>
      </div>
      <div>
        <dt>Window</dt>
        <dd>{hours(m.window_hours)}</dd>
      </div>
      <div>
        <dt>Checked</dt>
        <dd>{minutes(m.schedule_minutes)}</dd>
      </div>
      <div>
        <dt>Webhook</dt>
        <dd>{m.webhook ?? <span className="muted">none</span>}</dd>
      </div>
    </dl>
  );
}

function CheckButton({ name, onChecked }: { name: string; onChecked: () => void }) {
  const [busy, setBusy] = useState(false);
  const check = async () => {
    setBusy(true);
    try {
      const { checked, alerts } = await monitoringApi.check(name);
      if (checked === false) notify('info', 'Checked a moment ago already: its alerts are listed');
      else notify(alerts.length ? 'info' : 'success', alerts.length ? `${alerts.length} alert${alerts.length > 1 ? 's' : ''} raised` : 'Checked: every evaluator keeps the pass rate');
      onChecked();
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" onClick={check} disabled={busy}>
      {busy ? 'Checking…' : 'Check now'}
    </button>
  );
}

/** `#/monitoring/<deployment>`: its monitor's settings, metrics over the window, token statistics and alerts. */
export function MonitorDetail({ name }: { name: string }) {
  const view = useLoad(() => monitoringApi.view(name), [name]);
  const deployment = useLoad(() => monitoringApi.deployments().then((all) => all.find((d) => d.name === name)), [name]);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const v = view.data;
  const m = v?.monitor ?? null;
  return (
    <div className="page-pad monitoring">
      <div className="page-head">
        <a href={href('monitoring')} className="muted">
          Monitoring
        </a>
        <span className="muted">/</span>
        <h1>{name}</h1>
        {v && <MonitorStateTag state={monitorState(m)} />}
        <span className="spacer" />
        {v && (
          <button type="button" onClick={view.reload} disabled={view.loading}>
            Refresh
          </button>
        )}
        {v && (
          <button type="button" className={m ? '' : 'primary'} onClick={() => setEditing(true)}>
            {m ? 'Edit monitor' : 'Create monitor'}
          </button>
        )}
        {m && <CheckButton name={name} onChecked={view.reload} />}
        {m && (
          <button type="button" className="danger" onClick={() => setDeleting(true)}>
            Delete monitor
          </button>
        )}
      </div>
      {view.error && (
        <p className="error-text" role="alert">
          {view.error.message}
        </p>
      )}
      {!v && !view.error && <div className="loading">Loading…</div>}
      {v && !m && (
        <div className="card empty-card">
          <h2>No monitor yet</h2>
          <p className="muted">
            Create one to sample this deployment's calls and score them with evaluators: shipped ones (F1, ROUGE-L, relevance …) or flows of yours.
          </p>
        </div>
      )}
      {v && m && (
        <section className="card" aria-label="Monitor settings">
          <Settings m={m} />
        </section>
      )}
      {v && m && (
        <section className="card" aria-labelledby="monitor-metrics">
          <h2 id="monitor-metrics">Evaluators</h2>
          <p className="muted window-note">Scores of the sampled calls over the last {hours(v.window_hours)}.</p>
          <MetricsTable metrics={v.metrics} passRate={m.pass_rate} />
          {v.metrics.map((x) => (
            <PassRateChart key={x.evaluator} metric={x} passRate={m.pass_rate} windowHours={v.window_hours} />
          ))}
        </section>
      )}
      {v && (
        <section className="card" aria-labelledby="monitor-tokens">
          <h2 id="monitor-tokens">Tokens</h2>
          <TokenStats tokens={v.tokens} />
        </section>
      )}
      {v && (
        <section className="card" aria-labelledby="monitor-alerts">
          <h2 id="monitor-alerts">Alerts</h2>
          <AlertsTable alerts={v.alerts} />
        </section>
      )}
      {editing && v && !deployment.loading && <MonitorForm name={name} monitor={m} deployment={deployment.data} onClose={() => setEditing(false)} onSaved={view.reload} />}
      {deleting && (
        <ConfirmDialog title={`Delete the monitor of ${name}`} confirmLabel="Delete monitor" onConfirm={async () => (await monitoringApi.remove(name), view.reload())} onClose={() => setDeleting(false)}>
          <p>Its calls are no longer sampled or checked. Scores and alerts already stored are kept.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
