import { useState, type ReactNode } from 'react';
import { CodeEditor } from '../components/code-editor.tsx';
import { jsonText, parseJsonText, parseNumberText, rangeHint, typeOf, type FieldSpec } from './schema-utils.ts';
import { useDraft } from './use-draft.ts';

export interface FieldProps {
  spec: FieldSpec;
  value: unknown;
  /** `undefined` removes the field from the config. */
  onChange: (value: unknown) => void;
  readOnly: boolean;
}

/** Label, help text and error around one control; `inline` puts the label after it (checkboxes). */
export function FieldShell({ spec, error, hint, children }: { spec: FieldSpec; error?: string; hint?: string; children: ReactNode }) {
  return (
    <div className="field insp-field" data-field={spec.name}>
      <span className="field-label">
        {spec.name}
        {spec.required && <span className="req" title="required"> *</span>}
        {hint && <span className="insp-hint-inline">{hint}</span>}
      </span>
      {children}
      {error && <span className="error-text" role="alert">{error}</span>}
      {spec.help && <span className="hint">{spec.help}</span>}
    </div>
  );
}

const str = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

export function StringField({ spec, value, onChange, readOnly }: FieldProps) {
  const multi = spec.kind === 'text';
  const common = {
    'aria-label': spec.name,
    value: str(value),
    placeholder: spec.placeholder,
    readOnly,
    onChange: (e: { target: { value: string } }) => onChange(e.target.value === '' ? undefined : e.target.value),
  };
  return <FieldShell spec={spec}>{multi ? <textarea rows={4} {...common} /> : <input type="text" {...common} />}</FieldShell>;
}

export function CodeField({ spec, value, onChange, readOnly }: FieldProps) {
  return (
    <FieldShell spec={spec}>
      <CodeEditor
        value={str(value)}
        onChange={(t) => onChange(t === '' ? undefined : t)}
        language={spec.language ?? 'text'}
        readOnly={readOnly}
        minHeight={spec.language === 'jsonata' ? '48px' : '96px'}
        ariaLabel={spec.name}
        placeholder={spec.placeholder}
      />
    </FieldShell>
  );
}

export function NumberField({ spec, value, onChange, readOnly }: FieldProps) {
  const shown = value === undefined ? '' : String(value);
  const { text, edit } = useDraft(shown);
  const parsed = parseNumberText(text, spec.schema);
  return (
    <FieldShell spec={spec} error={parsed.error} hint={rangeHint(spec.schema)}>
      <input
        type="text"
        inputMode={spec.kind === 'integer' ? 'numeric' : 'decimal'}
        aria-label={spec.name}
        aria-invalid={!!parsed.error}
        value={text}
        placeholder={spec.placeholder}
        readOnly={readOnly}
        onChange={(e) => {
          const t = e.target.value;
          const p = parseNumberText(t, spec.schema);
          if (p.error) return edit(t);
          edit(t, p.value === undefined ? '' : String(p.value));
          onChange(p.value);
        }}
      />
    </FieldShell>
  );
}

export function BooleanField({ spec, value, onChange, readOnly }: FieldProps) {
  const dflt = spec.schema.default === true;
  const checked = typeof value === 'boolean' ? value : dflt;
  return (
    <div className="field insp-field" data-field={spec.name}>
      <label className="row insp-check">
        <input
          type="checkbox"
          checked={checked}
          disabled={readOnly}
          onChange={(e) => onChange(!spec.required && e.target.checked === dflt ? undefined : e.target.checked)}
        />
        <span className="field-label">{spec.name}</span>
      </label>
      {spec.help && <span className="hint">{spec.help}</span>}
    </div>
  );
}

export function EnumField({ spec, value, onChange, readOnly }: FieldProps) {
  const options = (spec.schema.enum as unknown[] | undefined) ?? [spec.schema.const];
  const index = options.findIndex((o) => o === value);
  const dflt = spec.schema.default;
  return (
    <FieldShell spec={spec}>
      <select aria-label={spec.name} value={index < 0 ? '' : String(index)} disabled={readOnly} onChange={(e) => onChange(e.target.value === '' ? undefined : options[Number(e.target.value)])}>
        {(!spec.required || index < 0) && <option value="">{dflt !== undefined ? `(default: ${str(dflt)})` : '—'}</option>}
        {options.map((o, i) => (
          <option key={i} value={String(i)}>{str(o)}</option>
        ))}
      </select>
    </FieldShell>
  );
}

export function JsonField({ spec, value, onChange, readOnly }: FieldProps) {
  const { text, edit } = useDraft(jsonText(value));
  const parsed = parseJsonText(text);
  return (
    <FieldShell spec={spec} error={parsed.error} hint="JSON">
      <CodeEditor
        value={text}
        language="json"
        readOnly={readOnly}
        ariaLabel={spec.name}
        placeholder={spec.placeholder}
        minHeight="40px"
        onChange={(t) => {
          const p = parseJsonText(t);
          if (p.error) return edit(t);
          edit(t, jsonText(p.value));
          onChange(p.value);
        }}
      />
    </FieldShell>
  );
}

/** A list of strings or numbers: edit in place, remove, add at the end. */
export function ListField({ spec, value, onChange, readOnly }: FieldProps) {
  const items = Array.isArray(value) ? value : [];
  const item = spec.item!;
  const [adding, setAdding] = useState('');
  const max = typeof spec.schema.maxItems === 'number' ? spec.schema.maxItems : Infinity;
  const numeric = item.kind === 'number' || item.kind === 'integer';
  const parse = (t: string): { value?: unknown; error?: string } => (numeric ? parseNumberText(t, item.schema, item.kind === 'integer') : { value: t });
  const options = item.kind === 'enum' ? ((item.schema.enum as unknown[]) ?? []) : undefined;
  const addError = adding ? parse(adding).error : undefined;
  const add = () => {
    const p = parse(adding);
    if (p.error || p.value === undefined || items.length >= max) return;
    onChange([...items, p.value]);
    setAdding('');
  };
  return (
    <FieldShell spec={spec} error={addError} hint={Number.isFinite(max) ? `up to ${max}` : undefined}>
      <ul className="insp-list" aria-label={spec.name}>
        {items.map((v, i) => (
          <li key={i} className="row">
            <ListItem value={v} numeric={numeric} schema={item.schema} integer={item.kind === 'integer'} readOnly={readOnly} label={`${spec.name} ${i + 1}`}
              onChange={(nv) => onChange(items.map((x, j) => (j === i ? nv : x)))} />
            {!readOnly && <button type="button" className="small ghost" aria-label={`Remove ${spec.name} ${i + 1}`} onClick={() => onChange(items.filter((_, j) => j !== i))}>✕</button>}
          </li>
        ))}
      </ul>
      {!readOnly && items.length < max && (
        <div className="row">
          {options ? (
            <select aria-label={`New ${spec.name}`} value="" onChange={(e) => e.target.value !== '' && onChange([...items, options[Number(e.target.value)]])}>
              <option value="">Add…</option>
              {options.map((o, i) => <option key={i} value={String(i)}>{str(o)}</option>)}
            </select>
          ) : (
            <>
              <input type="text" aria-label={`New ${spec.name}`} placeholder={`add ${typeOf(item.schema) ?? 'item'}`} value={adding}
                onChange={(e) => setAdding(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), add())} />
              <button type="button" className="small" onClick={add} disabled={!adding || !!addError}>Add</button>
            </>
          )}
        </div>
      )}
    </FieldShell>
  );
}

function ListItem({ value, numeric, schema, integer, readOnly, label, onChange }: { value: unknown; numeric: boolean; schema: FieldSpec['schema']; integer: boolean; readOnly: boolean; label: string; onChange: (v: unknown) => void }) {
  const { text, edit } = useDraft(str(value));
  const error = numeric ? parseNumberText(text, schema, integer).error : undefined;
  return (
    <input type="text" aria-label={label} aria-invalid={!!error} title={error} className={error ? 'insp-invalid' : undefined} value={text} readOnly={readOnly}
      onChange={(e) => {
        const t = e.target.value;
        if (!numeric) {
          edit(t, t);
          return onChange(t);
        }
        const p = parseNumberText(t, schema, integer);
        if (p.error || p.value === undefined) return edit(t);
        edit(t, String(p.value));
        onChange(p.value);
      }} />
  );
}
