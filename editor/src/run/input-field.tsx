import type { FlowInputDoc } from '../api/types.ts';
import { CHAT_HISTORY_HINT, fieldKind, inputType, isOptional, type FieldValue } from './input-values.ts';

const PLACEHOLDER: Record<string, string> = {
  object: '{"key": "value"}',
  array: '["a", "b"]',
  list: '["a", "b"]',
  chat_history: CHAT_HISTORY_HINT,
  any: 'any JSON value: "text", 42, {"a": 1}, [1, 2]',
};

// Textareas grow with their content (up to a limit) so one-line values look like inputs.
const rowsFor = (text: string, min: number, max: number) => Math.min(max, Math.max(min, text.split('\n').length));

/** One flow input, edited the way its declared type needs. */
export function InputField({ name, def, value, error, onChange }: {
  name: string;
  def: FlowInputDoc;
  value: FieldValue;
  error?: string;
  onChange: (v: FieldValue) => void;
}) {
  const type = inputType(def);
  const kind = fieldKind(def);
  const id = `run-input-${name}`;
  const text = typeof value === 'string' ? value : '';
  const invalid = error ? true : undefined;
  const head = (
    <span className="run-input-head">
      <code>{name}</code>
      <span className="tag">{type}</span>
      {def.optional ? <span className="muted">optional</span> : def.default !== undefined ? <span className="muted">has a default</span> : null}
    </span>
  );

  if (kind === 'boolean') {
    return (
      <div className="field run-input">
        <label className="run-check" htmlFor={id}>
          <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          {head}
        </label>
        {def.description && <span className="hint">{def.description}</span>}
      </div>
    );
  }

  return (
    <div className="field run-input">
      <label htmlFor={id}>{head}</label>
      {kind === 'number' ? (
        <input id={id} type="number" step={type === 'integer' ? 1 : 'any'} value={text} aria-invalid={invalid}
          placeholder={isOptional(def) ? 'left out: the flow default applies' : undefined} onChange={(e) => onChange(e.target.value)} />
      ) : kind === 'text' ? (
        <textarea id={id} rows={rowsFor(text, 1, 8)} value={text} aria-invalid={invalid} spellCheck={false}
          className="run-text-input" placeholder={def.optional ? 'optional' : undefined} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <textarea id={id} rows={rowsFor(text, 2, 12)} value={text} aria-invalid={invalid} spellCheck={false}
          placeholder={PLACEHOLDER[type]} onChange={(e) => onChange(e.target.value)} />
      )}
      {type === 'chat_history' && <span className="hint">A JSON list of messages: <code>{'[{"role":"user","content":"…"}]'}</code></span>}
      {def.description && <span className="hint">{def.description}</span>}
      {error && <span className="error-text" role="alert">{error}</span>}
    </div>
  );
}
