import { useState } from 'react';
import { href } from '../shell/router.ts';
import { loadResources, useResources } from './resources.ts';
import { FieldShell, type FieldProps } from './schema-fields.tsx';
import type { ResourceKind } from './schema-utils.ts';

const OTHER = '\u0000other';
const NOUN: Record<ResourceKind, string> = { deployment: 'deployment', index: 'data index', connection: 'connection' };
const WHERE: Record<ResourceKind, { page: string; label: string }> = {
  deployment: { page: 'models', label: 'deploy a model on the Models page' },
  index: { page: 'data', label: 'add your data on the Data page' },
  connection: { page: 'connections', label: 'add one on the Connections page' },
};

/**
 * A config field naming a deployment, data index or connection: a dropdown of those the server has.
 * A name it does not have (deployed later, typed in the YAML) stays selected and says so; "Type a
 * name…" takes any name.
 */
export function ResourceField({ spec, value, onChange, readOnly }: FieldProps) {
  const kind = spec.resource!;
  const { options, error } = useResources(kind);
  const [typing, setTyping] = useState(false);
  const current = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  const missing = !!current && !!options && !options.some((o) => o.name === current);
  const noun = NOUN[kind];
  // "None yet, go make one" for a connection an llm node may do without would only be noise.
  const hint = missing ? (
    <span className="insp-warn" role="status">{noun} “{current}” does not exist on this server yet</span>
  ) : options && !options.length && (kind !== 'connection' || spec.required) ? (
    <span className="hint">No {noun}s yet: <a href={href(WHERE[kind].page)}>{WHERE[kind].label}</a>.</span>
  ) : error ? (
    <span className="error-text">Cannot list {noun}s: {error}</span>
  ) : null;

  if (typing && !readOnly) {
    return (
      <FieldShell spec={spec}>
        <div className="row">
          <input type="text" aria-label={spec.name} autoFocus value={current} placeholder={`${noun} name`} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)} />
          <button type="button" className="small ghost" onClick={() => setTyping(false)}>List</button>
        </div>
        {hint}
      </FieldShell>
    );
  }
  return (
    <FieldShell spec={spec}>
      <select
        aria-label={spec.name}
        value={current}
        disabled={readOnly}
        onFocus={() => void loadResources(kind)}
        onChange={(e) => (e.target.value === OTHER ? setTyping(true) : onChange(e.target.value === '' ? undefined : e.target.value))}
      >
        <option value="">{options ? `— choose a ${noun} —` : 'Loading…'}</option>
        {missing && <option value={current}>{current} (not found)</option>}
        {options?.map((o) => (
          <option key={o.name} value={o.name}>{o.detail ? `${o.name} — ${o.detail}` : o.name}</option>
        ))}
        {!readOnly && <option value={OTHER}>Type a name…</option>}
      </select>
      {hint}
    </FieldShell>
  );
}
