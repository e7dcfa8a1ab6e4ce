import type { FlowNodeDoc } from '../api/types.ts';
import { useEditor } from '../canvas/store.ts';
import { updateNode } from '../flow/edit.ts';
import { bindingText, parseBindingText, parseDuration } from './bindings.ts';
import { parseNumberText, type Parsed } from './schema-utils.ts';
import { useDraft } from './use-draft.ts';

type Edit = (fn: (n: FlowNodeDoc) => FlowNodeDoc, key?: string) => void;

/** A text box whose text is parsed before it is committed; invalid text stays local with its error. */
function ParsedInput<T>({ label, value, format, parse, onValue, readOnly, placeholder, hint }: {
  label: string; value: T | undefined; format: (v: T | undefined) => string; parse: (t: string) => Parsed<T>;
  onValue: (v: T | undefined) => void; readOnly: boolean; placeholder?: string; hint?: string;
}) {
  const { text, edit } = useDraft(format(value));
  const error = parse(text).error;
  return (
    <label className="field insp-field">
      <span className="field-label">{label}</span>
      <input type="text" aria-label={label} aria-invalid={!!error} className={error ? 'insp-invalid' : undefined} value={text} readOnly={readOnly} placeholder={placeholder} spellCheck={false}
        onChange={(e) => {
          const t = e.target.value;
          const p = parse(t);
          if (p.error) return edit(t);
          edit(t, format(p.value));
          onValue(p.value);
        }} />
      {error && <span className="error-text" role="alert">{error}</span>}
      {hint && <span className="hint">{hint}</span>}
    </label>
  );
}

const asText = (v: unknown) => (v === undefined ? '' : String(v));
const without = <K extends keyof FlowNodeDoc>(n: FlowNodeDoc, k: K): FlowNodeDoc => {
  const { [k]: _gone, ...rest } = n;
  return rest as FlowNodeDoc;
};

function Activate({ node, edit, readOnly }: { node: FlowNodeDoc; edit: Edit; readOnly: boolean }) {
  const a = node.activate;
  // `when` empty means no condition at all; `is` defaults to true, the common case.
  const setWhen = (when: unknown) => edit((n) => (when === undefined ? without(n, 'activate') : { ...n, activate: { when, is: n.activate?.is ?? true } }), `activate:${node.name}.when`);
  const setIs = (is: unknown) => edit((n) => (n.activate ? { ...n, activate: { ...n.activate, is: is === undefined ? true : is } } : n), `activate:${node.name}.is`);
  return (
    <div className="insp-pair">
      <ParsedInput label="Run only when" value={a?.when} format={bindingText} parse={(t) => parseBindingText(t)} onValue={setWhen} readOnly={readOnly} placeholder="${node.output.field}" />
      <ParsedInput label="is" value={a?.is} format={bindingText} parse={(t) => parseBindingText(t)} onValue={setIs} readOnly={readOnly || !a} placeholder="true" />
    </div>
  );
}

function Retry({ node, edit, readOnly }: { node: FlowNodeDoc; edit: Edit; readOnly: boolean }) {
  const r = node.retry;
  const attempts = (v: number | undefined) =>
    edit((n) => (v === undefined ? without(n, 'retry') : { ...n, retry: { ...n.retry, max_attempts: v } }), `retry:${node.name}.max_attempts`);
  const backoff = (v: number | string | undefined) =>
    edit((n) => {
      if (!n.retry) return n;
      const { backoff: _b, ...rest } = n.retry;
      return { ...n, retry: v === undefined ? rest : { ...rest, backoff: v } };
    }, `retry:${node.name}.backoff`);
  return (
    <div className="insp-pair">
      <ParsedInput label="Max attempts" value={r?.max_attempts} format={asText} parse={(t) => parseNumberText(t, { minimum: 1, maximum: 20 }, true)} onValue={attempts} readOnly={readOnly} placeholder="1 (no retry)" />
      <ParsedInput label="Backoff" value={r?.backoff} format={asText} parse={parseDuration} onValue={backoff} readOnly={readOnly || !r} placeholder="e.g. 500ms" />
    </div>
  );
}

/** `map.over` is one reference to a list; the node runs once per item (`${map.item}` inside). */
function parseListRef(t: string): Parsed<string> {
  const v = t.trim();
  if (!v) return {};
  return /^\$\{[^{}]+\}$/.test(v) ? { value: v } : { error: 'one reference to a list, e.g. ${split.output.items}' };
}

function MapOver({ node, edit, readOnly }: { node: FlowNodeDoc; edit: Edit; readOnly: boolean }) {
  const m = node.map;
  const over = (v: string | undefined) => edit((n) => (v === undefined ? without(n, 'map') : { ...n, map: { ...n.map, over: v } }), `map:${node.name}.over`);
  const concurrency = (v: number | undefined) =>
    edit((n) => {
      if (!n.map) return n;
      const { concurrency: _c, ...rest } = n.map;
      return { ...n, map: v === undefined ? rest : { ...rest, concurrency: v } };
    }, `map:${node.name}.concurrency`);
  return (
    <div className="insp-pair">
      <ParsedInput label="Run once per item of" value={m?.over} format={asText} parse={parseListRef} onValue={over} readOnly={readOnly} placeholder="${node.output.items}" />
      <ParsedInput label="Concurrency" value={m?.concurrency} format={asText} parse={(t) => parseNumberText(t, { minimum: 1, maximum: 256 }, true)} onValue={concurrency} readOnly={readOnly || !m} placeholder="all at once" />
    </div>
  );
}

/** How a node runs: its condition, list mapping, retries, time limit and what a failure does to the run. */
export function NodeBehaviour({ node, readOnly }: { node: FlowNodeDoc; readOnly: boolean }) {
  const edit: Edit = (fn, key) => {
    const s = useEditor.getState();
    s.commit(updateNode(s.doc, node.name, fn), key);
  };
  return (
    <div className="insp-form">
      <Activate node={node} edit={edit} readOnly={readOnly} />
      <MapOver node={node} edit={edit} readOnly={readOnly} />
      <Retry node={node} edit={edit} readOnly={readOnly} />
      <ParsedInput label="Timeout" value={node.timeout} format={asText} parse={parseDuration} readOnly={readOnly} placeholder="none, e.g. 30s"
        onValue={(v) => edit((n) => (v === undefined ? without(n, 'timeout') : { ...n, timeout: v }), `timeout:${node.name}`)} />
      <label className="field insp-field">
        <span className="field-label">On error</span>
        <select aria-label="On error" value={node.on_error ?? ''} disabled={readOnly}
          onChange={(e) => edit((n) => (e.target.value ? { ...n, on_error: e.target.value as 'fail' | 'continue' } : without(n, 'on_error')))}>
          <option value="">fail the run (default)</option>
          <option value="fail">fail</option>
          <option value="continue">continue (output is an error value)</option>
        </select>
      </label>
    </div>
  );
}
