import { useState, type FormEvent } from 'react';
import { Modal } from '../components/ui.tsx';
import { notify } from '../components/toast.tsx';
import { KINDS, kindOf, type SettingField } from './connection-kinds.ts';
import { CONNECTION_NAME, connectionsApi, type Connection } from './connections-api.ts';
import { SecretInput, type SecretEdit } from './secret-input.tsx';

const OTHER_SECRET = 'api_key';

function SettingInput({ field, value, onChange }: { field: SettingField; value: unknown; onChange: (v: unknown) => void }) {
  const id = `setting-${field.key}`;
  if (field.kind === 'checkbox') {
    return (
      <div className="field">
        <label className="row check" htmlFor={id}>
          <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          {field.label}
        </label>
        {field.hint && <div className="hint">{field.hint}</div>}
      </div>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {field.label}
      </label>
      {field.kind === 'select' ? (
        <select id={id} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)}>
          {field.options!.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <input id={id} value={typeof value === 'string' ? value : ''} placeholder={field.placeholder} spellCheck={false} required={field.required} onChange={(e) => onChange(e.target.value)} />
      )}
      {field.hint && <div className="hint">{field.hint}</div>}
    </div>
  );
}

/** Create (no `conn`) or edit a connection. Settings the form has no field for are kept as they are. */
export function ConnectionForm({ conn, onClose, onSaved }: { conn?: Connection; onClose: () => void; onSaved: (name: string) => void }) {
  const [name, setName] = useState(conn?.name ?? '');
  const [type, setType] = useState(conn?.type ?? 'openai');
  const [settings, setSettings] = useState<Record<string, unknown>>(conn?.settings ?? {});
  const [json, setJson] = useState(() => JSON.stringify(conn?.settings ?? {}, null, 2));
  const [secrets, setSecrets] = useState<Record<string, SecretEdit>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const kind = kindOf(type);
  const stored = new Set(conn?.secrets ?? []);
  const secretFields = kind?.secrets ?? [{ key: OTHER_SECRET, label: 'API key' }];
  // Secrets stored under names this form has no field for still show, so they can be cleared.
  const extra = [...stored].filter((s) => !secretFields.some((f) => f.key === s)).map((key) => ({ key, label: key }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!conn && !CONNECTION_NAME.test(name)) return setError('a connection name starts with a letter or _ and has letters, digits, _ . - (up to 128)');
    let body: Record<string, unknown>;
    if (kind) {
      body = { ...settings, ...kind.fixed };
      for (const f of kind.settings) {
        const v = body[f.key];
        if (typeof v === 'string' && !v.trim()) delete body[f.key];
        else if (typeof v === 'string') body[f.key] = v.trim();
        if (f.kind === 'checkbox' && v !== true) delete body[f.key];
        if (f.required && !body[f.key]) return setError(`${f.label} is required`);
      }
    } else {
      try {
        body = JSON.parse(json) as Record<string, unknown>;
      } catch (err) {
        return setError(`settings are not valid JSON: ${(err as Error).message}`);
      }
      if (!body || typeof body !== 'object' || Array.isArray(body)) return setError('settings must be a JSON object');
    }
    const sent: Record<string, string | null> = {};
    for (const [k, edit] of Object.entries(secrets)) {
      if (edit.op === 'set') sent[k] = edit.value;
      if (edit.op === 'clear') sent[k] = null;
    }
    setBusy(true);
    setError(undefined);
    try {
      const target = conn?.name ?? name;
      await connectionsApi.put(target, { type, settings: body, ...(Object.keys(sent).length ? { secrets: sent } : {}) });
      notify('success', `Connection ${target} saved`);
      onSaved(target);
      onClose();
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  return (
    <Modal title={conn ? `Edit connection ${conn.name}` : 'New connection'} onClose={onClose}>
      <form className="connection-form" aria-label="Connection" onSubmit={submit}>
        {!conn && (
          <div className="field">
            <label htmlFor="conn-name" className="field-label">
              Name
            </label>
            <input id="conn-name" value={name} autoFocus placeholder="openai" onChange={(e) => (setName(e.target.value), setError(undefined))} />
            <div className="hint">Flows and deployments refer to the connection by this name.</div>
          </div>
        )}
        <div className="field">
          <label htmlFor="conn-type" className="field-label">
            Type
          </label>
          <select id="conn-type" value={type} disabled={!!conn && !kindOf(conn.type)} onChange={(e) => setType(e.target.value)}>
            {KINDS.map((k) => (
              <option key={k.type} value={k.type}>
                {k.label}
              </option>
            ))}
            {conn && !kindOf(conn.type) && <option value={conn.type}>{conn.type}</option>}
          </select>
          {kind && <div className="hint">{kind.summary}</div>}
        </div>
        {kind?.settings.map((f) => <SettingInput key={f.key} field={f} value={settings[f.key]} onChange={(v) => setSettings((s) => ({ ...s, [f.key]: v }))} />)}
        {!kind && (
          <div className="field">
            <label htmlFor="conn-settings" className="field-label">
              Settings (JSON)
            </label>
            <textarea id="conn-settings" rows={6} className="mono" value={json} onChange={(e) => setJson(e.target.value)} />
          </div>
        )}
        <fieldset className="conn-secrets">
          <legend>Secrets</legend>
          <p className="hint">Stored encrypted; never shown again, not even here.</p>
          {[...secretFields, ...extra].map((f) => (
            <SecretInput key={f.key} field={f} stored={stored.has(f.key)} edit={secrets[f.key] ?? { op: 'keep' }} onChange={(edit) => setSecrets((s) => ({ ...s, [f.key]: edit }))} />
          ))}
        </fieldset>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
