import { useResources } from '../inspector/resources.ts';
import { href } from '../shell/router.ts';

export interface MapRow {
  from: string;
  to: string;
}

/** Prompt flow deployment → Weir deployment, one row each; the Weir side is picked from the server's model deployments. */
export function DeploymentMapRows({ rows, onChange }: { rows: MapRow[]; onChange: (rows: MapRow[]) => void }) {
  const { options, error } = useResources('deployment');
  const set = (i: number, patch: Partial<MapRow>) => onChange(rows.map((r, n) => (n === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="import-map">
      <legend>Deployments</legend>
      <p className="hint">Each prompt flow deployment (or model) an llm node names, and the Weir deployment that answers for it.</p>
      {rows.map((r, i) => (
        <div className="import-map-row" key={i} data-testid="map-row">
          <input aria-label={`Prompt flow deployment ${i + 1}`} value={r.from} placeholder="e.g. gpt-35-turbo" onChange={(e) => set(i, { from: e.target.value.trim() })} />
          <span aria-hidden="true">→</span>
          <select aria-label={`Weir deployment ${i + 1}`} value={r.to} onChange={(e) => set(i, { to: e.target.value })}>
            <option value="">{options ? '— leave as is —' : 'Loading…'}</option>
            {options?.map((o) => <option key={o.name} value={o.name} disabled={o.unusable}>{o.detail ? `${o.name} — ${o.detail}` : o.name}</option>)}
          </select>
          <button type="button" className="small" aria-label={`Remove deployment mapping ${i + 1}`} onClick={() => onChange(rows.filter((_, n) => n !== i))}>Remove</button>
        </div>
      ))}
      {error && <p className="error-text">Cannot list the deployments: {error}</p>}
      {options && !options.length && <p className="hint">No model deployments yet. <a href={href('models')}>Deploy a model</a> first, or import now and pick deployments in the flow later.</p>}
      <button type="button" className="small" onClick={() => onChange([...rows, { from: '', to: '' }])}>Add mapping</button>
    </fieldset>
  );
}

/** The rows that map something, as the API's deployment_map. */
export function mapOf(rows: MapRow[]): Record<string, string> {
  return Object.fromEntries(rows.filter((r) => r.from && r.to).map((r) => [r.from, r.to]));
}
