import { StatusTag } from '../components/ui.tsx';
import { href, navigate } from '../shell/router.ts';
import { isExtractive, type DeploymentInfo, type ModelInfo } from './model-types.ts';
import { EXAMPLE_SYSTEM, usePlayground } from './playground-store.ts';
import { numberParam } from './use-chat.ts';

/** Which deployment to talk to, its state, the system message and the sampling parameters. */
export function PlaygroundSettings({ deployments, selected, live, model }: {
  deployments: DeploymentInfo[];
  selected?: string;
  live?: DeploymentInfo;
  model?: ModelInfo;
}) {
  const { system, temperature, maxTokens, setSettings } = usePlayground();
  const found = deployments.some((d) => d.name === selected);
  const tempProblem = numberParam(temperature, 0, 2, false);
  const maxProblem = numberParam(maxTokens, 1, 1 << 20, true);

  return (
    <aside className="playground-settings card" aria-label="Playground settings">
      <label className="field">
        <span>Deployment</span>
        <select aria-label="Deployment" value={found ? selected : ''} onChange={(e) => navigate('playground', e.target.value)}>
          {!found && <option value="">Choose a deployment…</option>}
          {deployments.map((d) => (
            <option key={d.name} value={d.name}>
              {d.name} ({d.model}){d.state === 'failed' ? ' — failed to load' : d.state === 'loading' ? ' — loading' : ''}
            </option>
          ))}
        </select>
      </label>
      {selected && !found && <p className="error-text" role="alert">No chat model deployment "{selected}".</p>}
      {live && (
        <div className="row wrap deployment-state">
          <StatusTag status={live.state ?? 'loading'} />
          {model && <a href={href('models', model.id)}>{model.name}</a>}
          {live.state === 'loading' && <span className="muted small-text">loading the model…</span>}
        </div>
      )}
      {live?.state === 'failed' && <FailedHelp live={live} others={deployments.filter((d) => d.name !== live.name && d.state !== 'failed')} />}
      {model && isExtractive(model) && (
        <div className="callout warn small-text" data-testid="extractive-hint">
          <strong>{model.id}</strong> is extractive: it answers only by quoting sentences from the passages in the system
          message, numbered <code>[1]</code>, <code>[2]</code>… at the start of a line, and cites them.
        </div>
      )}
      <label className="field">
        <span>System message</span>
        <textarea aria-label="System message" rows={9} value={system} onChange={(e) => setSettings({ system: e.target.value })} />
        <div className="hint row">
          Context and instructions for the model.
          {system !== EXAMPLE_SYSTEM && <button type="button" className="link small-text" onClick={() => setSettings({ system: EXAMPLE_SYSTEM })}>Use the example</button>}
        </div>
      </label>
      <div className="row params">
        <label className="field">
          <span>Temperature</span>
          <input aria-label="Temperature" inputMode="decimal" placeholder="default" value={temperature} onChange={(e) => setSettings({ temperature: e.target.value })} aria-invalid={typeof tempProblem === 'string'} />
          {typeof tempProblem === 'string' && <div className="hint error-text">{tempProblem}</div>}
        </label>
        <label className="field">
          <span>Max tokens</span>
          <input aria-label="Max tokens" inputMode="numeric" placeholder="default" value={maxTokens} onChange={(e) => setSettings({ maxTokens: e.target.value })} aria-invalid={typeof maxProblem === 'string'} />
          {typeof maxProblem === 'string' && <div className="hint error-text">{maxProblem}</div>}
        </label>
      </div>
    </aside>
  );
}

/** Why the chosen deployment cannot answer, and the ways on: another deployment, or a fresh deploy. */
function FailedHelp({ live, others }: { live: DeploymentInfo; others: DeploymentInfo[] }) {
  return (
    <div className="callout bad small-text" role="alert" data-testid="deployment-failed">
      <p>
        <strong>{live.name}</strong> failed to load: {live.reason ?? 'no reason given'}
      </p>
      <p>
        {others.length > 0 ? (
          <>
            Chat with another deployment:{' '}
            {others.map((d, i) => (
              <span key={d.name}>
                {i > 0 && ', '}
                <a href={href('playground', d.name)}>{d.name}</a>
              </span>
            ))}
            . Or{' '}
          </>
        ) : (
          'To chat, '
        )}
        open <a href={href('deployments', live.name)}>the deployment</a> to delete it, then deploy the model again from{' '}
        {live.model ? <a href={href('models', live.model)}>its model page</a> : <a href={href('models')}>Models</a>} once the cause is fixed.
        {others.length === 0 && (
          <>
            {' '}
            To chat now, deploy <a href={href('models', 'weir-extractive')}>weir-extractive</a>: it ships with Weir and works offline.
          </>
        )}
      </p>
    </div>
  );
}
