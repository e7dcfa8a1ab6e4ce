import '../styles/models.css';
import { useMemo } from 'react';
import { api } from '../api/client.ts';
import { useLoad } from '../components/ui.tsx';
import { ChatComposer } from './chat-composer.tsx';
import { ChatTranscript } from './chat-transcript.tsx';
import { isChatModel, isExtractive, type DeploymentInfo, type ModelInfo } from './model-types.ts';
import { PlaygroundEmpty } from './playground-empty.tsx';
import { PlaygroundSettings } from './playground-settings.tsx';
import { EXAMPLE_QUESTION, usePlayground } from './playground-store.ts';
import { useChat } from './use-chat.ts';
import { useDeployment } from './use-deployment.ts';

/** `#/playground[/<deployment>]`: chat with a model deployment, streaming, with the admin token. */
export function PlaygroundPage({ deployment }: { deployment?: string }) {
  // Fetched again on each route change, so deployments made or deleted elsewhere show up.
  const deployments = useLoad(() => api<{ data: DeploymentInfo[] }>('/api/deployments'), [deployment]);
  const catalog = useLoad(() => api<{ data: ModelInfo[] }>('/api/models'), []);
  const byId = useMemo(() => new Map((catalog.data?.data ?? []).map((m) => [m.id, m])), [catalog.data]);
  const all = deployments.data?.data ?? [];
  const chats = all.filter((d) => d.kind === 'model' && isChatModel(byId.get(d.model ?? '')));
  // A failed deployment is never the default: the first ready one is, else one still loading.
  const selected = deployment ?? (chats.find((d) => d.state === 'ready') ?? chats.find((d) => d.state !== 'failed') ?? chats[0])?.name;
  const { deployment: live, error: liveError } = useDeployment(chats.some((d) => d.name === selected) ? selected : undefined);
  const model = byId.get(live?.model ?? chats.find((d) => d.name === selected)?.model ?? '');
  const chat = useChat(selected);
  const turns = usePlayground((s) => s.turns);
  const clear = usePlayground((s) => s.clear);

  if (deployments.error || catalog.error) {
    return (
      <div className="page-pad models-page">
        <div className="page-head"><h1>Playground</h1></div>
        <p className="error-text" role="alert">{(deployments.error ?? catalog.error)!.message}</p>
        <button type="button" onClick={() => { deployments.reload(); catalog.reload(); }}>Try again</button>
      </div>
    );
  }
  if (!deployments.data || !catalog.data) return <div className="loading">Loading…</div>;
  if (!chats.length) return <PlaygroundEmpty taken={new Set(all.map((d) => d.name))} onDeployed={deployments.reload} />;

  const usable = live?.state === 'ready' || live?.state === 'loading';
  return (
    <div className="playground">
      <PlaygroundSettings deployments={chats} selected={selected} live={live} model={model} />
      <section className="playground-chat" aria-label="Chat">
        <div className="page-head chat-head">
          <h1>Playground</h1>
          <span className="spacer" />
          <button type="button" className="ghost small" disabled={!turns.length} onClick={() => { chat.stop(); clear(); }}>Clear chat</button>
        </div>
        {liveError && <p className="error-text" role="alert">{liveError.message}</p>}
        <ChatTranscript
          turns={turns}
          empty={
            <>
              <p>Ask something about the passages in the system message.</p>
              {model && isExtractive(model) && <p className="muted">For example: “{EXAMPLE_QUESTION}”</p>}
            </>
          }
        />
        <ChatComposer
          disabled={!usable}
          busy={chat.busy}
          onSend={chat.send}
          onStop={chat.stop}
          placeholder={model && isExtractive(model) ? `e.g. ${EXAMPLE_QUESTION}` : 'Type a message'}
        />
      </section>
    </div>
  );
}
