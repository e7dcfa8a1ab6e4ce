import { useEffect, useMemo, useRef, useState } from 'react';
import { useEditor } from '../canvas/store.ts';
import '../styles/run.css';
import { InputField } from './input-field.tsx';
import { collectInputs, initialValues, parseField } from './input-values.ts';
import { cancelRun, runFlow } from './run-actions.ts';
import { RunResult } from './run-result.tsx';
import { useRunStore } from './run-store.ts';

const NO_ERRORS: Record<string, string> = {};
const NO_VALUES = {};

/** The run drawer's main tab: the flow's inputs as a form, Run / Cancel, and the run's result. */
export function RunPanel() {
  const flow = useEditor((s) => s.name);
  const defs = useEditor((s) => s.doc.inputs);
  const viewing = useEditor((s) => s.viewing?.label);
  const stored = useRunStore((s) => s.values[flow] ?? NO_VALUES);
  const serverErrors = useRunStore((s) => s.serverErrors[flow] ?? NO_ERRORS);
  const streaming = useRunStore((s) => s.streaming);
  const cancelling = useRunStore((s) => s.cancelling);
  const setValue = useRunStore((s) => s.setValue);
  // "Required" is only worth saying once the user tried to run; a bad number or JSON shows at once.
  const [tried, setTried] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => setTried(false), [flow]);

  // Untouched fields follow the flow's defaults as they are edited; typed ones keep what was typed.
  const values = useMemo(() => ({ ...initialValues(defs), ...stored }), [defs, stored]);
  const entries = Object.entries(defs ?? {});
  const busy = streaming !== undefined;
  const busyHere = streaming === flow;

  const fieldError = (name: string): string | undefined => {
    if (serverErrors[name]) return serverErrors[name];
    const p = parseField(defs![name]!, values[name]!);
    if (p.ok) return undefined;
    return p.error === 'required' && !tried ? undefined : p.error;
  };

  const submit = () => {
    if (busy || !flow) return;
    const { inputs, errors } = collectInputs(defs, values);
    const bad = Object.keys(errors);
    if (bad.length) {
      setTried(true);
      formRef.current?.querySelector<HTMLElement>(`#run-input-${CSS.escape(bad[0]!)}`)?.focus();
      return;
    }
    void runFlow(flow, inputs);
  };

  // The shortcut works from anywhere on the page (the canvas, the inspector), not only the form.
  const submitRef = useRef(submit);
  submitRef.current = submit;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.defaultPrevented) {
        e.preventDefault();
        submitRef.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="run-panel">
      <form ref={formRef} className="run-form" onSubmit={(e) => (e.preventDefault(), submit())}>
        {entries.length === 0 && <p className="muted">This flow takes no inputs.</p>}
        {entries.map(([name, def]) => (
          <InputField key={name} name={name} def={def} value={values[name]!} error={fieldError(name)} onChange={(v) => setValue(flow, name, v)} />
        ))}
        {viewing && <p className="hint muted">Runs use the saved draft, not {viewing} shown on the canvas.</p>}
        <div className="row run-actions">
          <button type="submit" className="primary" disabled={busy || !flow} title="Run the draft (Ctrl+Enter)">
            {busyHere ? 'Running…' : 'Run'}
          </button>
          {busyHere && (
            <button type="button" className="danger" onClick={() => void cancelRun()} disabled={cancelling}>
              {cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          )}
          <span className="muted run-shortcut"><kbd>Ctrl</kbd>/<kbd>⌘</kbd>+<kbd>Enter</kbd></span>
          {entries.length > 0 && !busy && (
            <button type="button" className="small ghost" onClick={() => (useRunStore.getState().setValues(flow, {}), setTried(false))} title="Back to the flow's defaults">
              Reset
            </button>
          )}
        </div>
        {busy && !busyHere && <p className="hint muted">A run of {streaming} is still going.</p>}
      </form>
      <RunResult />
    </div>
  );
}
