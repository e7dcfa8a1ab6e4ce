import { useEffect, useMemo, useRef, useState } from 'react';
import { create } from 'zustand';
import { useEditor } from '../canvas/store.ts';
import { chatShape } from '../flow/chat-shape.ts';
import { ChatView } from './chat-view.tsx';
import { draftTransport } from './draft-transport.ts';

/** Whether the editor's chat panel is open (the toolbar's Chat button and the panel share it). */
const useFlowChat = create<{ open: boolean; set: (open: boolean) => void }>((set) => ({ open: false, set: (open) => set({ open }) }));

function useShape() {
  const doc = useEditor((s) => s.doc);
  return useMemo(() => {
    const r = chatShape(doc);
    return r.ok ? r : null;
  }, [doc]);
}

/** The toolbar's Chat button: only for a flow that is a chat (by its markers, or its inputs' shape). */
export function FlowChatButton() {
  const shape = useShape();
  const open = useFlowChat((s) => s.open);
  if (!shape) return null;
  return (
    <button className={open ? 'ghost on' : 'ghost'} aria-pressed={open} aria-controls="flow-chat" onClick={() => useFlowChat.getState().set(!open)} title="Chat with the draft of this flow">
      Chat
    </button>
  );
}

/**
 * The chat panel beside the canvas: the same chat as the web app, talking to the draft. It stays
 * mounted once opened, so closing and reopening it keeps the conversation; another flow starts anew.
 */
export function FlowChatPanel() {
  const name = useEditor((s) => s.name);
  const open = useFlowChat((s) => s.open);
  const shape = useShape();
  const shapeRef = useRef(shape);
  shapeRef.current = shape;
  const [round, setRound] = useState(0);
  const [opened, setOpened] = useState(false);
  useEffect(() => {
    if (open) setOpened(true);
  }, [open]);
  // Leaving the flow closes its chat.
  useEffect(() => () => useFlowChat.getState().set(false), [name]);
  const transport = useMemo(() => draftTransport(name, () => shapeRef.current), [name]);
  if (!opened || !shape) return null;
  return (
    <aside
      id="flow-chat" className="flow-chat" aria-label="Chat with this flow" hidden={!open}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented) useFlowChat.getState().set(false);
      }}
    >
      <ChatView
        transport={transport} conversationKey={`${name}-${round}`} initial={[]} onNewChat={() => setRound((r) => r + 1)}
        placeholder={`Message the draft of ${name}`}
        empty={<p>Chat with the draft of <b>{name}</b>. Each message runs the flow with the conversation so far as <code>{shape.history ?? 'history'}</code>.</p>}
        header={<h2 className="flow-chat-title">Chat</h2>}
        actions={<button type="button" className="ghost" onClick={() => useFlowChat.getState().set(false)} aria-label="Close chat">✕</button>}
      />
    </aside>
  );
}
