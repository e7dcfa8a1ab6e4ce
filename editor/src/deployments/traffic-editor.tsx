import { useEffect, useState } from 'react';
import { useLoad } from '../components/ui.tsx';
import { notify, notifyError } from '../components/toast.tsx';
import { href } from '../shell/router.ts';
import { deploymentsApi, mainVersion, type FlowDeployment, type TrafficSplit } from './deployments-api.ts';

const same = (a: TrafficSplit[], b: TrafficSplit[]) => a.length === b.length && a.every((t, i) => t.version === b[i].version && t.weight === b[i].weight);

/**
 * Which published versions a flow deployment serves, and how much of the traffic each gets.
 * The server takes any weights adding up to more than 0 (it picks by weight / total); the editor
 * asks for percentages adding up to 100 so what is shown is what callers get.
 */
export function TrafficEditor({ deployment: d, onSaved }: { deployment: FlowDeployment; onSaved: (d: FlowDeployment) => void }) {
  const versions = useLoad(() => deploymentsApi.versions(d.flow), [d.flow, d.updated_at]);
  const [rows, setRows] = useState<TrafficSplit[]>(d.traffic);
  const [busy, setBusy] = useState(false);
  // The saved split replaces any edit once the server has a new one.
  useEffect(() => setRows(d.traffic), [d.traffic]);

  const published = versions.data?.map((v) => v.version) ?? d.traffic.map((t) => t.version);
  const newest = Math.max(0, ...published);
  const main = mainVersion(d.traffic);
  const previous = main === undefined ? undefined : Math.max(0, ...published.filter((v) => v < main)) || undefined;
  const canary = d.traffic.length > 1 ? Math.max(...d.traffic.map((t) => t.version)) : undefined;

  const sum = rows.reduce((s, t) => s + (Number.isFinite(t.weight) ? t.weight : 0), 0);
  const dup = rows.find((t, i) => rows.findIndex((u) => u.version === t.version) !== i);
  const badWeight = rows.some((t) => !Number.isFinite(t.weight) || t.weight < 0 || t.weight > 100);
  const problem = dup ? `v${dup.version} appears twice` : badWeight ? 'each weight is between 0 and 100' : Math.abs(sum - 100) > 1e-9 ? `weights add up to ${sum}, not 100` : undefined;
  const dirty = !same(rows, d.traffic);

  const save = async (traffic: TrafficSplit[], what: string) => {
    setBusy(true);
    try {
      const updated = (await deploymentsApi.setTraffic(d.name, traffic)) as FlowDeployment;
      notify('success', what);
      onSaved(updated);
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(false);
    }
  };

  const set = (i: number, patch: Partial<TrafficSplit>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const unused = published.filter((v) => !rows.some((r) => r.version === v));

  return (
    <section className="card" aria-label="Traffic">
      <div className="row wrap">
        <h2>Traffic</h2>
        <span className="spacer" />
        {canary !== undefined && (
          <button type="button" className="small" disabled={busy} onClick={() => save([{ version: canary, weight: 100 }], `v${canary} now gets all traffic`)} title="Send all traffic to the newest version in the split">
            Promote v{canary}
          </button>
        )}
        {canary === undefined && main !== undefined && newest > main && (
          <button type="button" className="small" disabled={busy} onClick={() => save([{ version: main, weight: 90 }, { version: newest, weight: 10 }], `Canary: v${newest} gets 10%`)}>
            Canary v{newest} at 10%
          </button>
        )}
        <button
          type="button"
          className="small"
          disabled={busy || previous === undefined}
          onClick={() => previous !== undefined && save([{ version: previous, weight: 100 }], `Rolled back to v${previous}`)}
          title={previous === undefined ? 'No published version before the one serving now' : `All traffic to v${previous}, the version before v${main}`}
        >
          {previous === undefined ? 'Roll back' : `Roll back to v${previous}`}
        </button>
      </div>
      <p className="muted">
        Changes apply to the next call, without a restart. Publish a new version in <a href={href('flows', d.flow)}>{d.flow}</a> to add it here.
      </p>
      <table className="list compact traffic-table">
        <thead>
          <tr>
            <th>Version</th>
            <th>Weight (%)</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td>
                <select aria-label={`Version of row ${i + 1}`} value={r.version} onChange={(e) => set(i, { version: Number(e.target.value) })}>
                  {[...new Set([r.version, ...published])].sort((a, b) => a - b).map((v) => (
                    <option key={v} value={v}>
                      v{v}
                      {v === newest ? ' (newest)' : ''}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <input
                  type="number"
                  min={0}
                  max={100}
                  step={1}
                  aria-label={`Weight of row ${i + 1}`}
                  value={Number.isFinite(r.weight) ? r.weight : ''}
                  onChange={(e) => set(i, { weight: e.target.value === '' ? NaN : Number(e.target.value) })}
                  className="weight"
                />
              </td>
              <td className="actions">
                <button type="button" className="ghost small" aria-label={`Remove row ${i + 1}`} disabled={rows.length < 2} onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                  ✕
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row traffic-foot">
        <button type="button" className="small" disabled={!unused.length || rows.length >= 16} onClick={() => setRows([...rows, { version: unused[unused.length - 1], weight: 0 }])}>
          Add a version
        </button>
        <span className={problem ? 'error-text' : 'muted'} aria-live="polite">
          {problem ?? 'Total 100%'}
        </span>
        <span className="spacer" />
        {dirty && (
          <button type="button" className="small" onClick={() => setRows(d.traffic)}>
            Reset
          </button>
        )}
        <button type="button" className="primary small" disabled={!dirty || !!problem || busy} onClick={() => save(rows, 'Traffic saved')}>
          Save traffic
        </button>
      </div>
      {versions.error && <p className="error-text">{versions.error.message}</p>}
    </section>
  );
}
