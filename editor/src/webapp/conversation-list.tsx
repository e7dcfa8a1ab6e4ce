import { useState } from 'react';
import { formatRelative } from '../components/format-date.ts';
import type { ConversationSummary } from './app-api.ts';

/** This visitor's conversations; deleting one asks first, in place (no browser dialog). */
export function ConversationList({ items, current, onOpen, onDelete, error }: {
  items: ConversationSummary[];
  current: string | null;
  onOpen: (id: string) => void;
  onDelete: (id: string) => Promise<void>;
  error?: string;
}) {
  const [asking, setAsking] = useState<string | null>(null);
  const [failed, setFailed] = useState<string>();
  if (error) return <p className="app-side-note" role="alert">{error}</p>;
  if (!items.length) return <p className="app-side-note">No conversations yet.</p>;
  return (
    <ul className="app-conversations">
      {items.map((c) =>
        asking === c.id ? (
          <li key={c.id} className="app-conv confirm" data-testid="conversation">
            <span id={`del-${c.id}`}>Delete “{c.title}”?</span>
            <div className="app-conv-confirm">
              <button
                type="button" className="danger small" aria-describedby={`del-${c.id}`} autoFocus
                onClick={() => void onDelete(c.id).then(() => setAsking(null), (e: Error) => setFailed(e.message))}
              >
                Delete
              </button>
              <button type="button" className="small" onClick={() => setAsking(null)}>Cancel</button>
            </div>
            {failed && <span className="chat-inline-error" role="alert">{failed}</span>}
          </li>
        ) : (
          <li key={c.id} className={`app-conv${c.id === current ? ' current' : ''}`} data-testid="conversation">
            <button type="button" className="app-conv-open" aria-current={c.id === current ? 'true' : undefined} onClick={() => onOpen(c.id)}>
              <span className="app-conv-title">{c.title || 'Untitled'}</span>
              <span className="app-conv-when">{formatRelative(c.updated_at)}</span>
            </button>
            <button type="button" className="ghost small app-conv-del" aria-label={`Delete conversation ${c.title}`} onClick={() => { setFailed(undefined); setAsking(c.id); }}>
              ✕
            </button>
          </li>
        ),
      )}
    </ul>
  );
}
