import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ChatComposer } from './chat-composer.tsx';
import { ChatMessageView } from './chat-message.tsx';
import { CitationsPanel } from './citations-panel.tsx';
import type { ChatMessage, ChatTransport, Rating } from './types.ts';
import { useChatSession } from './use-chat-session.ts';
import './chat.css';

/**
 * The chat: a transcript with the answer streaming in, a composer, each answer's sources beside it
 * (a sheet over the chat on a phone), copy and thumbs. The transport decides where messages go, so
 * the web app and the editor's chat panel are this same component.
 */
export function ChatView({ transport, conversationKey, initial, onNewChat, empty, placeholder = 'Ask a question', header, actions }: {
  transport: ChatTransport;
  /** Changing it swaps the transcript for `initial`. */
  conversationKey: string;
  initial: ChatMessage[];
  onNewChat: () => void;
  empty?: ReactNode;
  placeholder?: string;
  /** Shown before the New chat button (a title, a menu button). */
  header?: ReactNode;
  /** Shown after the New chat button (a close button). */
  actions?: ReactNode;
}) {
  const session = useChatSession(transport, conversationKey, initial);
  const [open, setOpen] = useState<{ id: string; n: number | null } | null>(null);
  const [announce, setAnnounce] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);
  const end = useRef<HTMLDivElement>(null);
  const last = session.messages[session.messages.length - 1];

  useEffect(() => setOpen(null), [conversationKey]);
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [session.messages.length, last?.content, last?.status]);
  // One announcement when an answer ends: the streaming text itself is marked busy meanwhile.
  const lastStatus = last?.role === 'assistant' ? last.status : undefined;
  useEffect(() => {
    if (lastStatus === 'done' && last && !last.error) setAnnounce('Answer complete');
    else if (lastStatus === 'streaming') setAnnounce('');
  }, [lastStatus, last]);

  const shown = open && session.messages.find((m) => m.id === open.id);
  // Closing the sources puts focus back on the control that opened them.
  const opener = useRef<HTMLElement | null>(null);
  const showSources = (id: string, n: number | null) => {
    opener.current = document.activeElement as HTMLElement | null;
    setOpen({ id, n });
  };
  const closeSources = () => {
    setOpen(null);
    const el = opener.current;
    setTimeout(() => (el?.isConnected ? el.focus() : input.current?.focus()), 0);
  };
  async function rate(m: ChatMessage, rating: Rating, comment?: string) {
    await transport.feedback!(m.id, rating, comment);
    session.patch(m.id, (x) => ({ ...x, feedback: { rating, comment: comment ?? x.feedback?.comment ?? null } }));
  }

  return (
    <div className={`chat${shown ? ' with-sources' : ''}`}>
      <div className="chat-main">
        <div className="chat-bar">
          {header}
          <span className="chat-spacer" />
          <button
            type="button" onClick={() => {
              session.stop();
              onNewChat();
              setTimeout(() => input.current?.focus(), 0);
            }}
          >
            New chat
          </button>
          {actions}
        </div>
        <div className="chat-log" role="log" aria-label="Conversation" aria-live="polite" tabIndex={0}>
          {!session.messages.length && <div className="chat-empty">{empty ?? 'Ask anything to start.'}</div>}
          {session.messages.map((m) => (
            <ChatMessageView
              key={m.id} m={m}
              onCite={(n) => showSources(m.id, n)}
              onRate={transport.feedback ? (r, c) => rate(m, r, c) : undefined}
            />
          ))}
          <div ref={end} />
        </div>
        <div className="sr-only" role="status" aria-live="polite">{announce}</div>
        <ChatComposer inputRef={input} disabled={false} busy={session.busy} onSend={session.send} onStop={session.stop} placeholder={placeholder} />
      </div>
      {shown && shown.citations && (
        <CitationsPanel citations={shown.citations} answer={shown.content} focus={open.n} onClose={closeSources} />
      )}
    </div>
  );
}
