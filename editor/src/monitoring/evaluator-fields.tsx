import { useEffect } from 'react';
import type { FlowSummary } from '../api/types.ts';
import { useLoad } from '../components/ui.tsx';
import { SHIPPED } from './monitoring-api.ts';
import { evaluatorInputs, guessMapping } from './references.ts';

/** One evaluator being edited: the picker's value, its threshold and its inputs as typed. */
export interface EvaluatorDraft {
  id: number;
  source: string;
  threshold: string;
  inputs: Record<string, string>;
}

interface Props {
  n: number;
  draft: EvaluatorDraft;
  flows: FlowSummary[];
  /** undefined while they load (inputs are mapped by name once they are known). */
  refs: string[] | undefined;
  /** Datalist of the call's references, for the mapping fields. */
  listId: string;
  onChange: (d: EvaluatorDraft) => void;
  onPick: (source: string) => void;
  onRemove?: () => void;
}

/** An evaluator (shipped or a flow), its per-call threshold, and each of its inputs mapped from the call or given as a literal. */
export function EvaluatorFields({ n, draft, flows, refs, listId, onChange, onPick, onRemove }: Props) {
  const names = useLoad(() => evaluatorInputs(draft.source), [draft.source]);
  // Inputs the evaluator reads and any the monitor already maps (kept, even if the flow changed since).
  const inputs = [...new Set([...(names.data ?? []), ...Object.keys(draft.inputs)])];
  useEffect(() => {
    if (!refs || !names.data) return;
    const missing = names.data.filter((k) => !(k in draft.inputs));
    if (missing.length) onChange({ ...draft, inputs: { ...draft.inputs, ...Object.fromEntries(missing.map((k) => [k, guessMapping(k, refs)])) } });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [names.data, refs]);
  const label = `Evaluator ${n}`;
  return (
    <fieldset className="evaluator-fields" aria-label={label}>
      <legend className="field-label">{label}</legend>
      <div className="row">
        <label className="field">
          <span>Evaluator</span>
          <select value={draft.source} onChange={(e) => onPick(e.target.value)}>
            <optgroup label="Shipped evaluators">
              {Object.keys(SHIPPED).map((s) => (
                <option key={s} value={`evaluator:${s}`}>
                  {s}
                </option>
              ))}
            </optgroup>
            {flows.length > 0 && (
              <optgroup label="Your flows">
                {flows.map((f) => (
                  <option key={f.name} value={`flow:${f.name}`}>
                    {f.name}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        <label className="field threshold">
          <span>Threshold</span>
          <input type="number" step="any" required value={draft.threshold} onChange={(e) => onChange({ ...draft, threshold: e.target.value })} />
        </label>
        {onRemove && (
          <button type="button" className="small" aria-label={`Remove evaluator ${n}`} onClick={onRemove}>
            Remove
          </button>
        )}
      </div>
      <p className="hint">A call passes when its score is at least the threshold.</p>
      {names.error && <p className="error-text">{names.error.message}</p>}
      {inputs.map((k) => (
        <label key={k} className="field mapping">
          <span>{k}</span>
          <input list={listId} value={draft.inputs[k] ?? ''} placeholder="${outputs.answer} or a literal" onChange={(e) => onChange({ ...draft, inputs: { ...draft.inputs, [k]: e.target.value } })} />
        </label>
      ))}
    </fieldset>
  );
}
