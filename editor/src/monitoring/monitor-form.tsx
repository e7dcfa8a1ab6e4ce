import { useRef, useState, type FormEvent } from 'react';
import { notify } from '../components/toast.tsx';
import { Modal, useLoad } from '../components/ui.tsx';
import type { Deployment } from '../deployments/deployments-api.ts';
import { FormFoot } from '../safety/form-foot.tsx';
import { EvaluatorFields, type EvaluatorDraft } from './evaluator-fields.tsx';
import { monitoringApi, type EvaluatorSpec, type MonitorConfig } from './monitoring-api.ts';
import { callReferences, defaultThreshold, splitSource } from './references.ts';

/** Azure's defaults for a new monitor (the server's too). */
const DEFAULTS = { enabled: true, sampling_rate: '0.1', pass_rate: '0.7', window_hours: '168', schedule_minutes: '60', webhook: '' };
const NONE: string[] = [];
type Numbers = Omit<typeof DEFAULTS, 'enabled'>;

/** Literals that are not text are shown as JSON and sent back as they were when left alone. */
const shown = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

function toDraft(e: EvaluatorSpec, id: number): EvaluatorDraft {
  return { id, source: e.evaluator ? `evaluator:${e.evaluator}` : `flow:${e.flow}`, threshold: String(e.threshold), inputs: Object.fromEntries(Object.entries(e.inputs).map(([k, v]) => [k, shown(v)])) };
}

function toSpec(d: EvaluatorDraft, before: EvaluatorSpec | undefined): EvaluatorSpec {
  const [kind, name] = splitSource(d.source);
  const inputs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d.inputs)) {
    if (v === '') continue;
    const old = before?.inputs[k];
    inputs[k] = old !== undefined && shown(old) === v ? old : v;
  }
  return { ...(kind === 'evaluator' ? { evaluator: name } : { flow: name }), inputs, threshold: Number(d.threshold) };
}

function NumberField({ label, hint, value, onChange, step = 'any' }: { label: string; hint?: string; value: string; onChange: (v: string) => void; step?: string }) {
  return (
    <label className="field">
      <span>{label}</span>
      <input type="number" step={step} required value={value} onChange={(e) => onChange(e.target.value)} />
      {hint && <small className="hint">{hint}</small>}
    </label>
  );
}

/** Creates or edits a deployment's monitor: sampling, evaluators with their input mappings and thresholds, pass rate, window, schedule, webhook. */
export function MonitorForm({ name, monitor, deployment, onClose, onSaved }: { name: string; monitor: MonitorConfig | null; deployment?: Deployment; onClose: () => void; onSaved: () => void }) {
  const flows = useLoad(() => monitoringApi.flows(), []);
  const connections = useLoad(() => monitoringApi.connections(), []);
  const refs = useLoad(() => callReferences(deployment), [deployment]);
  const nextId = useRef(monitor?.evaluators.length ?? 1);
  const [enabled, setEnabled] = useState(monitor?.enabled ?? true);
  const [nums, setNums] = useState<Numbers>(() =>
    monitor ? { sampling_rate: String(monitor.sampling_rate), pass_rate: String(monitor.pass_rate), window_hours: String(monitor.window_hours), schedule_minutes: String(monitor.schedule_minutes), webhook: monitor.webhook ?? '' } : DEFAULTS,
  );
  const [evals, setEvals] = useState<EvaluatorDraft[]>(() => monitor?.evaluators.map(toDraft) ?? [{ id: 0, source: 'evaluator:f1_score', threshold: '0.5', inputs: {} }]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof Numbers) => (v: string) => (setNums((n) => ({ ...n, [k]: v })), setError(undefined));
  const update = (d: EvaluatorDraft) => (setEvals((all) => all.map((e) => (e.id === d.id ? d : e))), setError(undefined));
  const pick = (id: number, source: string) => update({ id, source, threshold: String(defaultThreshold(source)), inputs: {} });
  const add = () => setEvals((all) => [...all, { id: nextId.current++, source: 'evaluator:f1_score', threshold: '0.5', inputs: {} }]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    const body: MonitorConfig = {
      enabled, sampling_rate: Number(nums.sampling_rate), pass_rate: Number(nums.pass_rate), window_hours: Number(nums.window_hours), schedule_minutes: Number(nums.schedule_minutes),
      evaluators: evals.map((d) => toSpec(d, monitor?.evaluators[d.id])),
      ...(nums.webhook ? { webhook: nums.webhook } : {}),
    };
    try {
      await monitoringApi.put(name, body);
      notify('success', `Monitor of ${name} saved`);
      onSaved();
      onClose();
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  const listId = 'monitor-call-refs';
  return (
    <Modal title={monitor ? `Edit the monitor of ${name}` : `Monitor ${name}`} onClose={onClose}>
      <form className="monitor-form" onSubmit={submit}>
        <label className="check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          Enabled (sample and check calls)
        </label>
        <div className="monitor-numbers">
          <NumberField label="Sampling rate" hint="share of calls scored, 0 to 1" value={nums.sampling_rate} onChange={set('sampling_rate')} />
          <NumberField label="Pass rate" hint="share of scored calls that must pass, 0 to 1" value={nums.pass_rate} onChange={set('pass_rate')} />
          <NumberField label="Window (hours)" step="1" value={nums.window_hours} onChange={set('window_hours')} />
          <NumberField label="Check every (minutes)" step="1" value={nums.schedule_minutes} onChange={set('schedule_minutes')} />
        </div>
        <label className="field">
          <span>Webhook connection</span>
          <select value={nums.webhook} onChange={(e) => set('webhook')(e.target.value)}>
            <option value="">None (alerts are only listed)</option>
            {(connections.data ?? []).map((c) => (
              <option key={c.name} value={c.name}>
                {c.name} ({c.type})
              </option>
            ))}
          </select>
          <small className="hint">An http connection: alerts are POSTed to its base URL with its key.</small>
        </label>
        <datalist id={listId}>
          {(refs.data ?? []).map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
        <p className="hint">
          Map each evaluator input to the call's <code>{'${inputs.x}'}</code> or <code>{'${outputs.x}'}</code>, or type a literal; an empty one is left out.
        </p>
        {evals.map((d, i) => (
          <EvaluatorFields
            key={d.id} n={i + 1} draft={d} flows={flows.data ?? []} refs={refs.loading ? undefined : (refs.data ?? NONE)} listId={listId}
            onChange={update} onPick={(s) => pick(d.id, s)} onRemove={evals.length > 1 ? () => setEvals((all) => all.filter((e) => e.id !== d.id)) : undefined}
          />
        ))}
        {evals.length < 10 && (
          <button type="button" className="small" onClick={add}>
            Add evaluator
          </button>
        )}
        <FormFoot error={error} busy={busy} submit={monitor ? 'Save monitor' : 'Create monitor'} onCancel={onClose} />
      </form>
    </Modal>
  );
}
