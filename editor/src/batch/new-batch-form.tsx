import { useState, type FormEvent } from 'react';
import { Modal, useLoad } from '../components/ui.tsx';
import { FormFoot } from '../safety/form-foot.tsx';
import { batchApi, type BatchRun } from './batch-api.ts';
import { jsonlColumns, runLabel } from './format.ts';

interface Data {
  name: string;
  text: string;
}

/** The flow's inputs and what an earlier run's lines offer (`${run.outputs.x}`, `${run.inputs.x}`). */
async function mappingChoices(flow: string, earlier: string): Promise<{ inputs: string[]; refs: string[] }> {
  const [def, first] = await Promise.all([batchApi.flow(flow), earlier ? batchApi.lines(earlier, 0, 1) : undefined]);
  const line = first?.data[0];
  const refs = [...Object.keys(line?.outputs ?? {}).map((k) => `\${run.outputs.${k}}`), ...Object.keys(line?.inputs ?? {}).map((k) => `\${run.inputs.${k}}`)];
  return { inputs: Object.keys(def.definition.inputs ?? {}), refs };
}

/** Starts a batch run: a flow (draft or a published version), a JSONL file, its columns mapped to the flow's inputs, optionally an earlier run to evaluate. */
export function NewBatchForm({ runs, onClose, onStarted }: { runs: BatchRun[]; onClose: () => void; onStarted: (id: string) => void }) {
  const flows = useLoad(() => batchApi.flows(), []);
  const [flow, setFlow] = useState('');
  const [version, setVersion] = useState('');
  const [earlier, setEarlier] = useState('');
  const [concurrency, setConcurrency] = useState('4');
  const [data, setData] = useState<Data>();
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const versions = useLoad(() => (flow ? batchApi.versions(flow) : Promise.resolve([])), [flow]);
  const choices = useLoad(() => (flow ? mappingChoices(flow, earlier) : Promise.resolve({ inputs: [], refs: [] })), [flow, earlier]);
  const seen = data ? jsonlColumns(data.text) : undefined;
  const refs = [...(seen?.columns ?? []).map((c) => `\${data.${c}}`), ...(choices.data?.refs ?? [])];

  async function pickFile(file: File | undefined) {
    setError(undefined);
    setData(file ? { name: file.name, text: await file.text() } : undefined);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!data) return setError('choose a JSONL file of data lines');
    setBusy(true);
    const column_mapping = Object.fromEntries(Object.entries(mapping).filter(([k, v]) => v !== '' && choices.data?.inputs.includes(k)));
    try {
      const r = await batchApi.submit({
        flow, data: data.text, column_mapping, concurrency: Number(concurrency),
        ...(version ? { version: Number(version) } : {}), ...(earlier ? { run: earlier } : {}),
      });
      onClose();
      onStarted(r.id);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  return (
    <Modal title="New batch run" onClose={onClose}>
      <form className="batch-form" onSubmit={submit}>
        <label className="field">
          <span>Flow</span>
          <select value={flow} required autoFocus onChange={(e) => (setFlow(e.target.value), setVersion(''), setMapping({}), setError(undefined))}>
            <option value="">Choose a flow…</option>
            {(flows.data ?? []).map((f) => (
              <option key={f.name} value={f.name}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Version</span>
          <select value={version} onChange={(e) => setVersion(e.target.value)} disabled={!flow}>
            <option value="">Latest published (the draft if none)</option>
            {(versions.data ?? []).map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version} {v.message}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Data (JSONL)</span>
          <input type="file" accept=".jsonl,.ndjson,.json,application/jsonl,application/x-ndjson" onChange={(e) => void pickFile(e.target.files?.[0])} />
          {seen && (
            <small className="hint" data-testid="data-summary">
              {data!.name}: {seen.lines} {seen.lines === 1 ? 'line' : 'lines'}, columns {seen.columns.join(', ') || 'none'}
            </small>
          )}
        </label>
        <label className="field">
          <span>Evaluate an earlier run (optional)</span>
          <select value={earlier} onChange={(e) => setEarlier(e.target.value)}>
            <option value="">None</option>
            {runs.filter((r) => r.status === 'completed').map((r) => (
              <option key={r.id} value={r.id}>
                {runLabel(r)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Concurrency</span>
          <input type="number" min={1} max={64} step={1} value={concurrency} onChange={(e) => setConcurrency(e.target.value)} />
        </label>
        {flow && (
          <fieldset className="batch-mapping">
            <legend className="field-label">Column mapping</legend>
            <datalist id="batch-refs">
              {refs.map((r) => (
                <option key={r} value={r} />
              ))}
            </datalist>
            {(choices.data?.inputs ?? []).map((k) => (
              <label key={k} className="field mapping">
                <span>{k}</span>
                <input list="batch-refs" value={mapping[k] ?? ''} placeholder={`by name: \${data.${k}}`} onChange={(e) => setMapping((m) => ({ ...m, [k]: e.target.value }))} />
              </label>
            ))}
            {choices.data && !choices.data.inputs.length && <p className="muted">The flow has no inputs.</p>}
            {choices.error && <p className="error-text">{choices.error.message}</p>}
          </fieldset>
        )}
        <FormFoot error={error} busy={busy} ready={!!flow && !!data} submit="Start batch run" onCancel={onClose} />
      </form>
    </Modal>
  );
}
