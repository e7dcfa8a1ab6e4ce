import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client.ts';
import { useLoad } from '../components/ui.tsx';
import { notify } from '../components/toast.tsx';
import { href } from '../shell/router.ts';
import { NAME_PATTERN, suggestName } from './model-format.ts';
import type { ConnectionInfo, DeploymentInfo, ModelInfo } from './model-types.ts';

/** POST /api/deployments for one catalog model; the server checks the rest (connection, context size). */
export function DeployForm({ model, taken, onDeployed }: { model: ModelInfo; taken: Set<string>; onDeployed: (d: DeploymentInfo) => void }) {
  // Until the user types a name, the suggestion follows the deployments list as it (re)loads.
  const [typed, setName] = useState<string>();
  const name = typed ?? suggestName(model, taken);
  const [contextSize, setContextSize] = useState('');
  const [connection, setConnection] = useState('');
  const [remoteModel, setRemoteModel] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; param?: string | null }>();
  const remote = !model.local;
  // Only remote models take a connection; shipped models have a fixed context.
  const sizable = model.local && model.format !== 'shipped';
  const connections = useLoad(() => (remote ? api<{ data: ConnectionInfo[] }>('/api/connections') : Promise.resolve({ data: [] })), [remote]);

  const nameProblem = !name ? 'a name is required' : !NAME_PATTERN.test(name) ? 'lower-case letters, digits and -, up to 63 characters, not starting with -' : taken.has(name) ? `a deployment "${name}" already exists` : undefined;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (nameProblem) return setError({ message: nameProblem, param: 'name' });
    const body: Record<string, unknown> = { name, model: model.id };
    if (sizable && contextSize.trim()) {
      const n = Number(contextSize);
      if (!Number.isInteger(n) || n < 64) return setError({ message: 'context size must be a whole number of at least 64 tokens', param: 'context_size' });
      body.context_size = n;
    }
    if (remote && !connection) return setError({ message: 'a remote model needs a connection: choose one', param: 'connection' });
    if (remote) body.connection = connection;
    if (remote && remoteModel.trim()) body.remote_model = remoteModel.trim();
    setBusy(true);
    setError(undefined);
    try {
      const d = await api<DeploymentInfo>('/api/deployments', { method: 'POST', body });
      notify('info', `Deploying ${model.id} as "${d.name}"`);
      onDeployed(d);
    } catch (err) {
      setError(err instanceof ApiError ? { message: err.message, param: err.param } : { message: String(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card deploy-form" aria-label="Deploy model" onSubmit={submit}>
      <h2>Deploy</h2>
      <p className="muted">
        A deployment serves this model at <code>/v1</code> (OpenAI-compatible) with the deployment's name as <code>model</code>.
        It loads in the background.
      </p>
      <label className="field">
        <span>Deployment name</span>
        <input aria-label="Deployment name" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={!!nameProblem} />
        {nameProblem && name && <div className="hint error-text">{nameProblem}</div>}
      </label>
      {sizable && (
        <label className="field">
          <span>Context size (tokens, optional)</span>
          <input aria-label="Context size" inputMode="numeric" placeholder={model.context_length ? `up to ${model.context_length}` : 'the model default'} value={contextSize} onChange={(e) => setContextSize(e.target.value)} />
          <div className="hint">Smaller contexts need less memory.</div>
        </label>
      )}
      {remote && (
        <>
          <label className="field">
            <span>Connection</span>
            <select aria-label="Connection" value={connection} onChange={(e) => setConnection(e.target.value)}>
              <option value="">Choose a connection…</option>
              {(connections.data?.data ?? []).map((c) => <option key={c.name} value={c.name}>{c.name} ({c.type})</option>)}
            </select>
            <div className="hint">
              A remote model is called through a connection with its <code>base_url</code> and <code>api_key</code>
              {connections.data && !connections.data.data.length ? ' — none exists yet: ' : '. '}
              <a href={href('connections')}>{connections.data && !connections.data.data.length ? 'create one on the Connections page' : 'Manage connections'}</a>.
            </div>
          </label>
          <label className="field">
            <span>Remote model name (optional)</span>
            <input aria-label="Remote model" placeholder={model.id} value={remoteModel} onChange={(e) => setRemoteModel(e.target.value)} />
          </label>
        </>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error.param ? <code>{error.param}</code> : null}
          {error.param ? ': ' : ''}
          {error.message}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Deploying…' : 'Deploy'}</button>
      </div>
    </form>
  );
}
