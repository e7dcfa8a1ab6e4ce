import { useEffect, useState } from 'react';
import { CopyButton } from '../components/ui.tsx';
import type { CallTarget } from './snippets.ts';

interface Answer {
  status: number;
  ms: number;
  version: string | null;
  requestId: string | null;
  body: string;
}

const pretty = (text: string) => {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

/** Calls the endpoint as an app would: with a deployment key, never the admin token. */
export function TryIt({ target, keyValue, onSent }: { target: CallTarget; keyValue?: string; onSent: (runId?: string) => void }) {
  const example = JSON.stringify(target.body, null, 2);
  const [key, setKey] = useState(keyValue ?? '');
  const [body, setBody] = useState(example);
  const [edited, setEdited] = useState(false);
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<Answer>();
  const [problem, setProblem] = useState<string>();

  useEffect(() => {
    if (keyValue) setKey(keyValue);
  }, [keyValue]);
  // The example arrives after the version's inputs load; keep what the user typed.
  useEffect(() => {
    if (!edited) setBody(example);
  }, [example, edited]);

  const send = async () => {
    setProblem(undefined);
    try {
      JSON.parse(body);
    } catch (err) {
      setProblem(`The body is not JSON: ${(err as Error).message}`);
      return;
    }
    setBusy(true);
    let runId: string | undefined;
    const t0 = performance.now();
    try {
      // fetch, not the studio's client: an app sees every answer whole, a refused one with its headers too.
      const res = await fetch(target.path, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${key.trim()}` } });
      const text = await res.text();
      runId = res.headers.get('x-request-id') ?? undefined;
      setAnswer({ status: res.status, ms: Math.round(performance.now() - t0), version: res.headers.get('weir-version'), requestId: res.headers.get('x-request-id'), body: pretty(text) });
    } catch (err) {
      setAnswer({ status: 0, ms: Math.round(performance.now() - t0), version: null, requestId: null, body: `The request did not reach the server: ${(err as Error).message}` });
    } finally {
      setBusy(false);
      onSent(runId);
    }
  };

  const ok = answer && answer.status >= 200 && answer.status < 300;
  return (
    <section className="card try-it" aria-label="Try it">
      <h2>Try it</h2>
      <label className="field">
        <span>Key</span>
        <input aria-label="Try it key" type="password" autoComplete="off" placeholder="weir_… (a key of this deployment)" value={key} onChange={(e) => setKey(e.target.value)} className="mono" />
      </label>
      <label className="field">
        <span>
          Body <span className="muted">POST {target.path}</span>
        </span>
        <textarea
          aria-label="Try it body"
          rows={Math.min(14, Math.max(5, body.split('\n').length + 1))}
          value={body}
          spellCheck={false}
          onChange={(e) => {
            setBody(e.target.value);
            setEdited(true);
          }}
        />
      </label>
      <div className="row">
        <button type="button" className="primary" disabled={busy || !key.trim()} onClick={send}>
          {busy ? 'Sending…' : 'Send'}
        </button>
        {edited && (
          <button type="button" className="ghost small" onClick={() => setEdited(false)}>
            Reset body
          </button>
        )}
        {!key.trim() && <span className="muted">Paste a key, or create one above.</span>}
        {problem && <span className="error-text">{problem}</span>}
      </div>
      {answer && (
        <div className="try-answer" data-testid="try-response">
          <div className="row wrap">
            <span className={`tag ${ok ? 'ok' : 'bad'}`} data-testid="try-status">
              {answer.status || 'no answer'}
            </span>
            <span className="muted">{answer.ms} ms</span>
            {answer.version && (
              <span>
                weir-version: <b data-testid="try-version">{answer.version}</b>
              </span>
            )}
            {answer.requestId && (
              <span className="row">
                x-request-id: <span className="mono" data-testid="try-request-id">{answer.requestId}</span>
                <CopyButton text={answer.requestId} />
              </span>
            )}
          </div>
          <pre className="code-block" aria-label="Try it response">
            <code>{answer.body}</code>
          </pre>
        </div>
      )}
    </section>
  );
}
