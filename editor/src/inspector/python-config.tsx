import { useMemo } from 'react';
import type { FlowNodeDoc, JsonSchema, NodeTypeInfo } from '../api/types.ts';
import { CodeEditor } from '../components/code-editor.tsx';
import { signatureOf, type PythonSignature } from '../flow/signature-ports.ts';
import { SignatureView, useSignatureReader } from './python-signature.tsx';
import { SchemaForm } from './schema-form.tsx';
import { setField } from './schema-utils.ts';

// The node's own defaults (nodes/lib/python-tool.ts toolSpec), shown where a limit is left unset.
const LIMIT_DEFAULTS: Record<string, number> = { timeout_seconds: 60, cpu_seconds: 30, memory_mb: 512 };
// modules (the flow folder's other .py files, inline) stay editable as the generic form draws them.
const FORM_FIELDS = ['requirements', 'timeout_seconds', 'cpu_seconds', 'memory_mb', 'modules'];

/** The part of the config schema the generic form still draws: requirements and the limits, defaults shown. */
function restSchema(config: JsonSchema): JsonSchema {
  const props = (config.properties ?? {}) as Record<string, JsonSchema>;
  const picked: Record<string, JsonSchema> = {};
  for (const name of FORM_FIELDS) {
    if (props[name]) picked[name] = name in LIMIT_DEFAULTS ? { ...props[name], default: LIMIT_DEFAULTS[name] } : props[name];
  }
  return { type: 'object', properties: picked };
}

export interface PythonConfigProps {
  node: FlowNodeDoc;
  info: NodeTypeInfo;
  readOnly: boolean;
  onChange: (next: Record<string, unknown> | undefined, path: string) => void;
}

/** A python node's config: its code (Python, highlighted), the function, the ports its signature gives, requirements and limits. */
export function PythonConfig({ node, info, readOnly, onChange }: PythonConfigProps) {
  const config = node.config ?? {};
  const code = typeof config.code === 'string' ? config.code : undefined;
  const file = typeof config.code_file === 'string' ? config.code_file : undefined;
  const fn = typeof config.function === 'string' ? config.function : '';
  const signature = signatureOf(node);
  const set = (key: string, value: unknown) => onChange(setField(config, key, value), key);
  // With no function named yet, the @tool function the code has becomes it.
  const apply = (s: PythonSignature) => onChange({ ...config, signature: s, ...(fn ? {} : { function: s.function }) }, 'signature');
  const read = useSignatureReader(code, fn || undefined, signature, apply, !readOnly && file === undefined);
  const rest = useMemo(() => restSchema(info.config), [info.config]);

  return (
    <div className="insp-form python-config">
      {file !== undefined ? (
        <label className="field insp-field">
          <span className="field-label">code_file</span>
          <input type="text" className="mono" aria-label="code_file" value={file} readOnly />
          <span className="hint">The file lives beside the flow, in its folder: edit it there. Its ports were read from it when the flow was imported.</span>
        </label>
      ) : (
        <div className="field insp-field" data-field="code">
          <span className="field-label">code<span className="req" title="required"> *</span></span>
          <CodeEditor value={code ?? ''} language="python" readOnly={readOnly} minHeight="160px" ariaLabel="Python code"
            placeholder="from promptflow.core import tool" onChange={(t) => set('code', t === '' ? undefined : t)} />
          <span className="hint" aria-live="polite" data-testid="python-read-state">
            {read.reading ? 'Reading the signature…' : read.error ? '' : 'The ports follow the code: its signature is read again as you edit.'}
          </span>
          {read.error && (
            <p className="error-text" role="alert" data-testid="python-code-error" data-line={read.error.line}>
              {read.error.line !== undefined && <strong>Line {read.error.line}: </strong>}
              {read.error.message}
            </p>
          )}
        </div>
      )}
      <label className="field insp-field">
        <span className="field-label">function<span className="req" title="required"> *</span></span>
        <input type="text" className="mono" aria-label="function" value={fn} readOnly={readOnly} spellCheck={false}
          onChange={(e) => set('function', e.target.value.trim() || undefined)} />
        <span className="hint">The tool function to call (prompt flow's @tool function).</span>
      </label>
      <SignatureView signature={signature} />
      <SchemaForm schema={rest} value={pick(config, FORM_FIELDS)} readOnly={readOnly}
        onChange={(next, path) => onChange(merge(config, FORM_FIELDS, next), path)} />
    </div>
  );
}

function pick(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return Object.keys(out).length ? out : undefined;
}

/** The config with `keys` replaced by what the sub-form holds now. */
function merge(obj: Record<string, unknown>, keys: string[], next: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!keys.includes(k)) out[k] = v;
  Object.assign(out, next ?? {});
  return Object.keys(out).length ? out : undefined;
}
