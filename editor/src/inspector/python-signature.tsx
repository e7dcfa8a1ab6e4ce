import { useEffect, useId, useRef, useState } from 'react';
import { api, ApiError } from '../api/client.ts';
import type { PythonParam, PythonSignature } from '../flow/signature-ports.ts';

/** How long typing pauses before the code is read again (one python3 process per read). */
const READ_AFTER_MS = 500;

const TYPE_NAMES: Record<PythonParam['type'], string> = {
  string: 'string', int: 'int', double: 'float', bool: 'bool', list: 'list', object: 'dict', any: 'any', connection: 'connection',
};

// Defaults read as they do in the code: None, True, False; the rest as JSON ("-", [1, 2]).
const pyLiteral = (v: unknown): string => (v === null || v === undefined ? 'None' : v === true ? 'True' : v === false ? 'False' : JSON.stringify(v));

/** `a: string`, `k: int = 2`: a parameter as it reads in the port list. */
export function paramText(p: PythonParam): string {
  const type = p.type === 'connection' && p.connection_class ? p.connection_class : TYPE_NAMES[p.type] ?? 'any';
  const dflt = !p.has_default ? '' : 'default' in p ? ` = ${pyLiteral(p.default)}` : ' = …';
  return `${p.name}: ${type}${dflt}`;
}

/** The ports a tool's signature gives, read-only: they follow the code, not the other way round. */
export function SignatureView({ signature }: { signature: PythonSignature | undefined }) {
  const label = useId();
  if (!signature) return <p className="muted insp-empty" data-testid="python-ports">No signature yet: the node takes any inputs, untyped.</p>;
  return (
    <div className="field insp-field">
      <span className="field-label" id={label}>ports of {signature.function}()</span>
      <ul className="insp-list mono" aria-labelledby={label} data-testid="python-ports">
        {signature.params.map((p) => <li key={p.name} data-param={p.name}>{paramText(p)}{!p.has_default && <span className="req" title="required"> *</span>}</li>)}
        {!signature.params.length && !signature.kwargs && <li className="muted">no parameters</li>}
        {signature.kwargs && <li data-param="**kwargs">**kwargs <span className="muted">(any other inputs)</span></li>}
        <li data-returns={signature.returns}>returns {TYPE_NAMES[signature.returns] ?? 'any'}{signature.generator && <span className="tag run" title="a generator: its chunks stream"> streams</span>}</li>
      </ul>
    </div>
  );
}

export interface ReadState {
  reading: boolean;
  /** Why the code gives no signature now; `line` when the reader could point at one. */
  error?: { message: string; line?: number };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Reads the signature again whenever the code (or the function named) changes after it is opened —
 * not on opening: what the importer or the last publish read stands until the code is edited.
 * A signature that differs is handed to `apply`; an error leaves the old one and the user's text alone.
 */
export function useSignatureReader(code: string | undefined, fn: string | undefined, current: PythonSignature | undefined, apply: (s: PythonSignature) => void, enabled: boolean): ReadState {
  const [state, setState] = useState<ReadState>({ reading: false });
  const seen = useRef({ code, fn });
  const latest = useRef({ current, apply });
  latest.current = { current, apply };

  useEffect(() => {
    if (!enabled || code === undefined || (seen.current.code === code && seen.current.fn === fn)) return;
    seen.current = { code, fn };
    const abort = new AbortController();
    setState((s) => ({ ...s, reading: true }));
    const timer = setTimeout(() => {
      api<PythonSignature>('/api/python/signature', { method: 'POST', body: fn ? { code, function: fn } : { code }, signal: abort.signal })
        .then((sig) => {
          setState({ reading: false });
          if (!same(sig, latest.current.current)) latest.current.apply(sig);
        })
        .catch((err: unknown) => {
          if (abort.signal.aborted) return;
          const line = err instanceof ApiError && typeof err.details.line === 'number' ? err.details.line : undefined;
          // The server's message starts with where (`code, line 6: …`); the panel says the line itself.
          const message = (err as Error).message.replace(/^code(, line \d+)?: /, '');
          setState({ reading: false, error: { message, line } });
        });
    }, READ_AFTER_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [code, fn, enabled]);
  return state;
}
