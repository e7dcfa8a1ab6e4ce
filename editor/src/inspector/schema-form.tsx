import type { ReactNode } from 'react';
import type { JsonSchema } from '../api/types.ts';
import { ResourceField } from './resource-field.tsx';
import { BooleanField, CodeField, EnumField, JsonField, ListField, NumberField, StringField, type FieldProps } from './schema-fields.tsx';
import { fieldsOf, setField, type FieldKind } from './schema-utils.ts';

export interface SchemaFormProps {
  schema: JsonSchema;
  value: Record<string, unknown> | undefined;
  /**
   * The whole object after one field changed (undefined when nothing is left in it), and the
   * dotted path of that field, for merging keystrokes into one undo step.
   */
  onChange: (next: Record<string, unknown> | undefined, path: string) => void;
  readOnly?: boolean;
  /** Prefix of the dotted paths reported (nested groups). */
  path?: string;
}

const controls: Record<Exclude<FieldKind, 'object'>, (p: FieldProps) => ReactNode> = {
  string: StringField,
  text: StringField,
  code: CodeField,
  number: NumberField,
  integer: NumberField,
  boolean: BooleanField,
  enum: EnumField,
  list: ListField,
  json: JsonField,
};

/** A form generated from an object's JSON Schema; nested objects become fieldsets. */
export function SchemaForm({ schema, value, onChange, readOnly = false, path = '' }: SchemaFormProps) {
  const fields = fieldsOf(schema, value);
  if (!fields.length) return <p className="muted insp-empty">Nothing to configure.</p>;
  return (
    <div className="insp-form">
      {fields.map((spec) => {
        const at = path ? `${path}.${spec.name}` : spec.name;
        const set = (v: unknown) => onChange(setField(value, spec.name, v), at);
        const current = value?.[spec.name];
        if (spec.kind === 'object') {
          return (
            <fieldset key={spec.name} className="insp-group" data-field={spec.name}>
              <legend>
                {spec.name}
                {spec.required && <span className="req" title="required"> *</span>}
              </legend>
              {spec.help && <p className="hint">{spec.help}</p>}
              <SchemaForm
                schema={spec.schema}
                value={current && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : undefined}
                onChange={(next, p) => onChange(setField(value, spec.name, next), p)}
                readOnly={readOnly}
                path={at}
              />
            </fieldset>
          );
        }
        const Control = spec.resource ? ResourceField : controls[spec.kind];
        // Keyed by kind too: an anyOf field switching branch gets a fresh control.
        return <Control key={`${spec.name}:${spec.kind}`} spec={spec} value={current} onChange={set} readOnly={readOnly} />;
      })}
    </div>
  );
}
