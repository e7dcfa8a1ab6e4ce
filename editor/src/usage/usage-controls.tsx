import type { Deployment } from '../deployments/deployments-api.ts';
import type { KeyOption } from './keys.ts';
import { PRESETS, type Preset } from './range.ts';
import type { Dimension, TimeUnit } from './usage-api.ts';

export interface Controls {
  preset: Preset;
  /** Custom range, whole UTC days (YYYY-MM-DD), both included. */
  fromDay: string;
  toDay: string;
  dims: Dimension[];
  unit: TimeUnit;
  deployment: string;
  key: string;
}

const DIMS: { id: Dimension; label: string }[] = [
  { id: 'deployment', label: 'Deployment' },
  { id: 'key', label: 'Key' },
  { id: 'model', label: 'Model' },
];

/** Range, grouping and filters of the Usage page; every control labelled for keyboard and screen readers. */
export function UsageControls({ value: v, onChange, deployments, keys, error }: { value: Controls; onChange: (c: Controls) => void; deployments: Deployment[]; keys: KeyOption[]; error?: string }) {
  const set = (patch: Partial<Controls>) => onChange({ ...v, ...patch });
  return (
    <div className="card usage-controls">
      <label className="field">
        <span>Range</span>
        <select value={v.preset} onChange={(e) => set({ preset: e.target.value as Preset })}>
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
      {v.preset === 'custom' && (
        <>
          <label className="field">
            <span>From (UTC)</span>
            <input type="date" value={v.fromDay} onChange={(e) => set({ fromDay: e.target.value })} />
          </label>
          <label className="field">
            <span>To (UTC)</span>
            <input type="date" value={v.toDay} onChange={(e) => set({ toDay: e.target.value })} />
          </label>
        </>
      )}
      <fieldset className="field usage-dims">
        <legend className="field-label">Group by</legend>
        <div className="row">
          {DIMS.map((d) => (
            <label key={d.id} className="check">
              <input
                type="checkbox"
                checked={v.dims.includes(d.id)}
                onChange={(e) => set({ dims: e.target.checked ? DIMS.map((x) => x.id).filter((x) => x === d.id || v.dims.includes(x)) : v.dims.filter((x) => x !== d.id) })}
              />
              {d.label}
            </label>
          ))}
        </div>
      </fieldset>
      <label className="field">
        <span>Over time by</span>
        <select value={v.unit} onChange={(e) => set({ unit: e.target.value as TimeUnit })}>
          <option value="hour">Hour</option>
          <option value="day">Day</option>
        </select>
      </label>
      <label className="field">
        <span>Deployment</span>
        <select value={v.deployment} onChange={(e) => set({ deployment: e.target.value, key: '' })}>
          <option value="">All deployments</option>
          {deployments.map((d) => (
            <option key={d.name} value={d.name}>
              {d.name}
            </option>
          ))}
          {/* A deployment deleted since (or not listed yet) opened from a link stays choosable. */}
          {v.deployment && !deployments.some((d) => d.name === v.deployment) && <option value={v.deployment}>{v.deployment}</option>}
        </select>
      </label>
      <label className="field">
        <span>Key</span>
        <select value={v.key} onChange={(e) => set({ key: e.target.value })}>
          <option value="">All keys</option>
          {keys.map((k) => (
            <option key={k.id} value={k.id}>
              {k.name}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p className="error-text usage-range-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
