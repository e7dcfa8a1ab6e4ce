import { useState } from 'react';
import { api, ApiError } from '../api/client.ts';
import { Modal, useLoad } from '../components/ui.tsx';
import { notify } from '../components/toast.tsx';
import { navigate } from '../shell/router.ts';
import { indexPath, type ChatFlowAnswer } from './types.ts';

interface DeploymentInfo {
  name: string;
  kind: 'flow' | 'model';
  model: string | null;
  state?: string;
}

const DEFAULT = '';
const DEFAULT_MODEL = 'weir-extractive';
const CHAT_TASKS = new Set(['chat-completion', 'text-generation']);

/** The deployment the server reuses when none is chosen: a working one of the default model, default-chat first. */
function reusable(models: DeploymentInfo[]): DeploymentInfo | undefined {
  const mine = models.filter((d) => d.model === DEFAULT_MODEL);
  return mine.find((d) => d.name === 'default-chat') ?? [...mine].sort((a, b) => a.name.localeCompare(b.name))[0];
}

/** Makes the "chat with your data" flow over this index and opens it on the canvas. */
export function ChatFlowDialog({ index, onClose }: { index: string; onClose: () => void }) {
  const [flow, setFlow] = useState(`chat-${index}`);
  const [deployment, setDeployment] = useState(DEFAULT);
  const [replace, setReplace] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const deps = useLoad(() => api<{ data: DeploymentInfo[] }>('/api/deployments'), []);
  const catalog = useLoad(() => api<{ data: { id: string; task: string }[] }>('/api/models'), []);
  const tasks = new Map((catalog.data?.data ?? []).map((m) => [m.id, m.task]));
  // A deployment whose model failed to load would only make a flow that fails: not offered.
  const working = (deps.data?.data ?? []).filter((d) => d.kind === 'model' && d.state !== 'failed' && CHAT_TASKS.has(tasks.get(d.model ?? '') ?? 'chat-completion'));
  const failed = (deps.data?.data ?? []).filter((d) => d.kind === 'model' && d.state === 'failed');
  const reuse = reusable(working);
  const models = working.filter((d) => d.name !== reuse?.name);

  const generate = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await api<ChatFlowAnswer>(indexPath(index, 'chat-flow'), {
        body: { flow: flow.trim() || undefined, deployment: deployment || undefined, replace },
      });
      notify('success', r.created_deployment ? `Flow ${r.flow} saved; deployed the default chat model as "${r.deployment}"` : `Flow ${r.flow} saved`);
      onClose();
      // The server may have chosen or normalised the name: open what it saved.
      navigate('flows', r.flow);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  const exists = error instanceof ApiError && error.code === 'flow_exists';
  return (
    <Modal
      title="Generate chat flow"
      onClose={onClose}
      actions={
        <>
          <button onClick={onClose}>Cancel</button>
          <button className="primary" onClick={generate} disabled={busy || !flow.trim()} aria-label="Generate and open">
            {busy ? 'Generating…' : 'Generate and open'}
          </button>
        </>
      }
    >
      <p className="muted">
        A draft flow: the question → the best chunks of <code>{index}</code> (hybrid search) → a prompt with numbered sources → the chat model → an
        answer citing [n], plus the cited sources. It opens on the canvas, ready to run.
      </p>
      <label className="field">
        <span>Flow name</span>
        <input value={flow} onChange={(e) => setFlow(e.target.value)} aria-label="Flow name" />
      </label>
      <label className="field">
        <span>Chat model deployment</span>
        <select value={deployment} onChange={(e) => setDeployment(e.target.value)} aria-label="Chat deployment">
          <option value={DEFAULT}>
            {reuse
              ? `${reuse.name} — the built-in extractive model (works offline; already deployed, reused)`
              : 'default-chat — the built-in extractive model (works offline; deployed now)'}
          </option>
          {models.map((d) => (
            <option key={d.name} value={d.name}>
              {d.name} — {d.model}
              {d.state && d.state !== 'ready' ? ` (${d.state})` : ''}
            </option>
          ))}
        </select>
        <span className="hint">The extractive model answers only with sentences picked from the sources; deploy a generative model for free-form answers.</span>
        {failed.length > 0 && (
          <span className="hint" data-testid="failed-deployments">
            Not offered, their model failed to load: {failed.map((d) => d.name).join(', ')}.
          </span>
        )}
      </label>
      <label className="row">
        <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} aria-label="Replace an existing flow" />
        <span>Replace the flow if one of that name exists</span>
      </label>
      {error && (
        <div className="error-text" role="alert">
          {error.message}
          {exists && (
            <div className="row">
              <button className="small" onClick={() => navigate('flows', flow.trim())}>Open the existing flow</button>
            </div>
          )}
        </div>
      )}
    </Modal>
  );
}
