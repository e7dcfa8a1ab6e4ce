import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { ApiError } from '../api/client.ts';
import { ChatView } from '../chat/chat-view.tsx';
import type { ChatMessage } from '../chat/types.ts';
import { accentColours } from './accent.ts';
import { appClient, appKey, lastConversation, type AppConfig, type ConversationSummary } from './app-api.ts';
import { ConversationList } from './conversation-list.tsx';
import { KeyForm } from './key-form.tsx';

type Load = { state: 'loading' } | { state: 'missing' } | { state: 'failed'; message: string } | { state: 'ready'; config: AppConfig };

function NotAvailable({ message }: { message?: string }) {
  return (
    <main className="app-gone">
      <h1>This app is not available</h1>
      <p>{message ?? 'It may have been turned off, or the link is wrong.'}</p>
    </main>
  );
}

/** The page a deployment's web app serves at /apps/{name} (and, with ?embed=1, inside an iframe). */
export function AppPage({ name, embed }: { name: string; embed: boolean }) {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [keyState, setKeyState] = useState<'ok' | 'ask' | 'refused'>('ok');
  const client = useMemo(() => appClient(name, () => {
    appKey.set(name, null);
    setKeyState('refused');
  }), [name]);

  useEffect(() => {
    client.config().then(
      (config) => {
        setLoad({ state: 'ready', config });
        if (config.auth === 'key' && !appKey.get(name)) setKeyState('ask');
        document.title = config.title || config.name;
      },
      (err: Error) => setLoad(err instanceof ApiError && err.status === 404 ? { state: 'missing' } : { state: 'failed', message: err.message }),
    );
  }, [client, name]);

  if (load.state === 'loading') return <div className="app-loading" role="status">Loading…</div>;
  if (load.state === 'missing') return <NotAvailable />;
  if (load.state === 'failed') return <NotAvailable message={`The app could not be loaded: ${load.message}`} />;
  const { config } = load;
  const a = accentColours(config.accent);
  const style = { '--accent': a.accent, '--accent-text': a.text, '--accent-strong': a.strong, '--accent-soft': a.soft } as CSSProperties;
  const title = config.title || config.name;
  return (
    <div className={`webapp${embed ? ' embed' : ''}`} style={style}>
      {keyState !== 'ok' ? (
        <main className="app-key-page">
          <AppHeader config={config} embed={embed} />
          <KeyForm title={title} refused={keyState === 'refused'} onKey={(k) => { appKey.set(name, k); setKeyState('ok'); }} />
        </main>
      ) : (
        <Workspace config={config} client={client} embed={embed} />
      )}
    </div>
  );
}

function AppHeader({ config, embed, menu }: { config: AppConfig; embed: boolean; menu?: React.ReactNode }) {
  return (
    <header className="app-head">
      {menu}
      {config.logo && <img className="app-logo" src={config.logo} alt="" />}
      <div className="app-head-text">
        <h1>{config.title || config.name}</h1>
        {config.description && !embed && <p>{config.description}</p>}
      </div>
    </header>
  );
}

function Workspace({ config, client, embed }: { config: AppConfig; client: ReturnType<typeof appClient>; embed: boolean }) {
  const name = config.name;
  const [list, setList] = useState<ConversationSummary[]>([]);
  const [listError, setListError] = useState<string>();
  const [session, setSession] = useState<{ key: string; initial: ChatMessage[] } | null>(null);
  const [current, setCurrent] = useState<string | null>(null);
  const [drawer, setDrawer] = useState(false);
  const currentRef = useRef<string | null>(null);
  const fresh = useRef(0);

  const refresh = useCallback(() => client.conversations().then((l) => { setList(l); setListError(undefined); return l; }, (e: Error) => { setListError(`Conversations could not be loaded: ${e.message}`); return []; }), [client]);
  const choose = useCallback((id: string | null) => {
    currentRef.current = id;
    setCurrent(id);
    lastConversation.set(name, id);
  }, [name]);
  const newChat = useCallback(() => {
    choose(null);
    setSession({ key: `new-${++fresh.current}`, initial: [] });
    setDrawer(false);
  }, [choose]);
  const open = useCallback(async (id: string) => {
    try {
      const c = await client.conversation(id);
      choose(id);
      setSession({ key: id, initial: c.messages });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) newChat();
      else setListError(`The conversation could not be opened: ${(err as Error).message}`);
    }
    setDrawer(false);
  }, [client, choose, newChat]);

  // The last conversation comes back on reload, when it is still this visitor's.
  useEffect(() => {
    void refresh().then((l) => {
      const last = lastConversation.get(name);
      if (last && l.some((c) => c.id === last)) void open(last);
      else newChat();
    });
  }, [refresh, open, newChat, name]);

  const transport = useMemo(() => client.transport((id) => {
    if (currentRef.current !== id) choose(id);
    void refresh();
  }, () => currentRef.current), [client, choose, refresh]);

  useEffect(() => {
    if (!drawer) return;
    const key = (e: KeyboardEvent) => e.key === 'Escape' && setDrawer(false);
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, [drawer]);

  const menu = (
    <button type="button" className="ghost app-menu" aria-expanded={drawer} aria-controls="app-side" onClick={() => setDrawer((d) => !d)}>
      <span aria-hidden="true">☰</span>
      <span className="sr-only">Conversations</span>
    </button>
  );
  return (
    <>
      <AppHeader config={config} embed={embed} menu={menu} />
      <div className="app-body">
        {drawer && <div className="app-scrim" onClick={() => setDrawer(false)} aria-hidden="true" />}
        <nav id="app-side" className={`app-side${drawer ? ' open' : ''}`} aria-label="Conversations">
          <div className="app-side-head">
            <h2>Conversations</h2>
            <button type="button" className="ghost small app-side-close" onClick={() => setDrawer(false)} aria-label="Close conversations">✕</button>
          </div>
          <ConversationList
            items={list} current={current} error={listError} onOpen={(id) => void open(id)}
            onDelete={async (id) => {
              await client.remove(id);
              if (id === currentRef.current) newChat();
              await refresh();
            }}
          />
        </nav>
        <main className="app-main" aria-label="Chat">
          {session && (
            <ChatView
              transport={transport} conversationKey={session.key} initial={session.initial} onNewChat={newChat}
              placeholder={`Message ${config.title || config.name}`}
              empty={<><p className="app-empty-title">{config.title || config.name}</p>{config.description && <p>{config.description}</p>}<p>Ask a question to start.</p></>}
            />
          )}
        </main>
      </div>
    </>
  );
}
