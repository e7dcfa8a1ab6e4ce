import type { SecretField } from './connection-kinds.ts';

/** What the form will do with one secret: keep what is stored, set a new value, or remove it. */
export type SecretEdit = { op: 'keep' } | { op: 'set'; value: string } | { op: 'clear' };

/**
 * A write-only secret: the page never has its value, only whether one is stored. Blank keeps the
 * stored value; Clear removes it on save.
 */
export function SecretInput({ field, stored, edit, onChange }: { field: SecretField; stored: boolean; edit: SecretEdit; onChange: (e: SecretEdit) => void }) {
  const id = `secret-${field.key}`;
  const state = edit.op === 'clear' ? 'will be removed' : edit.op === 'set' && edit.value ? (stored ? 'will be replaced' : 'will be set') : stored ? 'set' : 'not set';
  return (
    <div className="field secret-field">
      <label htmlFor={id} className="field-label">
        {field.label}
      </label>
      <div className="row">
        <input
          id={id} type="password" autoComplete="new-password" spellCheck={false}
          placeholder={stored && edit.op !== 'clear' ? '•••••• stored — leave blank to keep' : 'not set'}
          value={edit.op === 'set' ? edit.value : ''}
          disabled={edit.op === 'clear'}
          onChange={(e) => onChange(e.target.value ? { op: 'set', value: e.target.value } : { op: 'keep' })}
        />
        {stored && edit.op !== 'clear' && (
          <button type="button" className="small" aria-label={`Clear ${field.label}`} onClick={() => onChange({ op: 'clear' })}>
            Clear
          </button>
        )}
        {edit.op === 'clear' && (
          <button type="button" className="small" aria-label={`Keep ${field.label}`} onClick={() => onChange({ op: 'keep' })}>
            Keep
          </button>
        )}
      </div>
      <div className="hint" data-testid={`${id}-state`}>
        <span className={`tag ${state === 'set' ? 'ok' : state === 'will be removed' ? 'warn' : ''}`}>{state}</span>
        {field.hint ? ` ${field.hint}` : ''}
      </div>
    </div>
  );
}
