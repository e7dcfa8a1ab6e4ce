import { useState } from 'react';
import { api, ApiError } from '../api/client.ts';
import { href, navigate } from '../shell/router.ts';
import type { DeploymentInfo } from './model-types.ts';

const DEFAULT_MODEL = 'weir-extractive';

/** No chat deployment yet: explain, and offer the model that works offline with nothing to download. */
export function PlaygroundEmpty({ taken, onDeployed }: { taken: Set<string>; onDeployed: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  let name = 'chat';
  for (let i = 2; taken.has(name); i++) name = `chat-${i}`;

  async function deploy() {
    setBusy(true);
    setError(undefined);
    try {
      const d = await api<DeploymentInfo>('/api/deployments', { method: 'POST', body: { name, model: DEFAULT_MODEL } });
      onDeployed();
      navigate('playground', d.name);
    } catch (err) {
      setError(err instanceof ApiError || err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page-pad models-page">
      <div className="page-head"><h1>Playground</h1></div>
      <div className="card empty-card playground-empty" data-testid="playground-empty">
        <h2>No chat model is deployed</h2>
        <p>
          The playground talks to a <em>model deployment</em>. Deploy a chat model from the <a href={href('models')}>model catalog</a>,
          or start with Weir's default, <code>{DEFAULT_MODEL}</code>: it ships with Weir, needs no download and no network, and
          answers by quoting the passages you give it with <code>[n]</code> citations.
        </p>
        <div className="row">
          <button type="button" className="primary" disabled={busy} onClick={deploy}>
            {busy ? 'Deploying…' : `Deploy ${DEFAULT_MODEL} as "${name}"`}
          </button>
          <a className="button" href={href('models', DEFAULT_MODEL)}>About this model</a>
        </div>
        {error && <p className="error-text" role="alert">{error}</p>}
      </div>
    </div>
  );
}
