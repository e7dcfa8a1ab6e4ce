import { useCallback, useEffect, useRef, useState } from 'react';
import { toChatError } from './chat-errors.ts';
import type { ChatEvent, ChatMessage, ChatTransport } from './types.ts';

let seq = 0;
const localId = () => `local-${++seq}`;

function applyEvent(m: ChatMessage, e: ChatEvent): ChatMessage {
  switch (e.type) {
    case 'start':
      return e.message_id ? { ...m, id: e.message_id, stored: true } : m;
    case 'delta':
      return { ...m, content: m.content + e.text };
    case 'citations':
      return { ...m, citations: e.citations };
    case 'done':
      return { ...m, status: 'done', ...(e.message_id ? { id: e.message_id, stored: true } : {}) };
    case 'error':
      return { ...m, status: 'done', error: e.error };
  }
}

/**
 * One conversation's messages and the answer streaming into it. `initial` replaces them whenever
 * `key` changes (another conversation opened, a new chat started).
 */
export function useChatSession(transport: ChatTransport, key: string, initial: ChatMessage[]) {
  const [messages, setMessages] = useState<ChatMessage[]>(initial);
  const [busy, setBusy] = useState(false);
  const ctl = useRef<AbortController | null>(null);
  const current = useRef(messages);
  current.current = messages;

  // `initial` belongs to `key`: a new array with the same key (a re-render) must not reset the chat.
  useEffect(() => {
    ctl.current?.abort();
    setMessages(initial);
  }, [key]);
  useEffect(() => () => ctl.current?.abort(), []);

  const patch = useCallback((id: string, fn: (m: ChatMessage) => ChatMessage) => {
    setMessages((ms) => ms.map((m) => (m.id === id ? fn(m) : m)));
  }, []);

  async function send(text: string): Promise<boolean> {
    if (busy || !text.trim()) return false;
    const history = current.current.filter((m) => !m.error && m.status !== 'streaming');
    const user: ChatMessage = { id: localId(), role: 'user', content: text, citations: null, error: null, feedback: null };
    let answerId = localId();
    const answer: ChatMessage = { id: answerId, role: 'assistant', content: '', citations: null, error: null, feedback: null, status: 'streaming' };
    setMessages((ms) => [...ms, user, answer]);
    const abort = new AbortController();
    ctl.current = abort;
    setBusy(true);
    let ended = false;
    try {
      await transport.send(text, history, (e) => {
        if (abort.signal.aborted) return;
        if (e.type === 'start' && e.user_message_id) patch(user.id, (m) => ({ ...m, id: e.user_message_id!, stored: true }));
        if (e.type === 'done' || e.type === 'error') ended = true;
        const before = answerId;
        if ((e.type === 'start' || e.type === 'done') && e.message_id) answerId = e.message_id;
        patch(before, (m) => applyEvent(m, e));
      }, abort.signal);
      if (!ended && !abort.signal.aborted) patch(answerId, (m) => ({ ...m, status: 'done', error: { status: 0, code: 'stream_cut', message: 'the answer stopped before it was complete' } }));
    } catch (err) {
      if (abort.signal.aborted) patch(answerId, (m) => ({ ...m, status: 'stopped' }));
      else patch(answerId, (m) => ({ ...m, status: 'done', error: toChatError(err) }));
    } finally {
      if (abort.signal.aborted) patch(answerId, (m) => (m.status === 'streaming' ? { ...m, status: 'stopped' } : m));
      if (ctl.current === abort) ctl.current = null;
      setBusy(false);
    }
    return true;
  }

  return { messages, busy, send, stop: () => ctl.current?.abort(), patch };
}
