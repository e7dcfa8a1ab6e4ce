import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import '../styles/quotas.css';
import { exact } from './format.ts';

/**
 * One number to set (a pool, an allocation, a rate limit). The server's refusal (a 409 naming what
 * holds the quota) stays next to the field until the value changes: a toast would be gone before
 * it is read.
 */
export function LimitForm({ label, initial, max, preview, onSave, onCancel }: { label: string; initial?: number; max?: number; preview?: (n: number) => ReactNode; onSave: (n: number) => Promise<void>; onCancel: () => void }) {
  const [text, setText] = useState(initial === undefined ? '' : String(initial));
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const errorId = useId();
  const n = Number(text);
  const valid = text.trim() !== '' && Number.isSafeInteger(n) && n >= 1 && (max === undefined || n <= max);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!valid) return setError(`enter a whole number from 1${max === undefined ? '' : ` to ${exact(max)}`}`);
    setBusy(true);
    try {
      await onSave(n);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  }

  return (
    <form className="limit-form" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <div className="row wrap">
        <input
          type="number"
          min={1}
          max={max}
          step={1}
          aria-label={label}
          value={text}
          autoFocus
          aria-invalid={!!error}
          aria-describedby={error ? errorId : undefined}
          onChange={(e) => {
            setText(e.target.value);
            setError(undefined);
          }}
        />
        <button type="submit" className="primary small" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="small" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {valid && preview && <p className="muted limit-preview">{preview(n)}</p>}
      {error && (
        <p id={errorId} className="error-text limit-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/**
 * The button that opened a LimitForm, focused again once the form closes (saved or cancelled), so
 * a keyboard user is not dropped at the top of the page.
 */
export function useFocusBack(editing: boolean) {
  const ref = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  useEffect(() => {
    if (wasEditing.current && !editing) ref.current?.focus();
    wasEditing.current = editing;
  }, [editing]);
  return ref;
}
