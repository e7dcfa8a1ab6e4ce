import { useState } from 'react';
import { readableError } from './chat-errors.ts';
import { copyText } from './copy-text.ts';
import type { ChatMessage, Rating } from './types.ts';

/** `[n]` in an answer becomes a button opening that source, when the answer carries it. */
function AnswerText({ text, cited, onCite }: { text: string; cited: Set<number>; onCite: (n: number) => void }) {
  const parts = text.split(/(\[\d{1,4}\])/);
  return (
    <>
      {parts.map((p, i) => {
        const n = /^\[(\d+)\]$/.exec(p)?.[1];
        if (n === undefined) return p;
        if (!cited.has(Number(n))) return <span key={i} className="chat-cite-n inline">{n}</span>;
        return (
          <button key={i} type="button" className="chat-cite-n inline" onClick={() => onCite(Number(n))} aria-label={`Source ${n}`}>{n}</button>
        );
      })}
    </>
  );
}

// Drawn, not emoji: a machine without an emoji font would show empty boxes.
const THUMB = 'M7 10v10H4V10zM7 10l4-7c1.4 0 2.3 1 2 2.4L12.5 9H19a2 2 0 0 1 2 2.3l-1.3 7A2 2 0 0 1 17.7 20H7';
function Thumb({ down }: { down?: boolean }) {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" focusable="false" style={down ? { transform: 'scaleY(-1)' } : undefined}>
      <path d={THUMB} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round" strokeLinecap="round" />
    </svg>
  );
}

function Feedback({ m, onRate }: { m: ChatMessage; onRate: (r: Rating, comment?: string) => Promise<void> }) {
  const [asking, setAsking] = useState(false);
  const [comment, setComment] = useState('');
  const [state, setState] = useState<'idle' | 'saving' | 'error' | 'thanks'>('idle');
  const rating = m.feedback?.rating;

  async function rate(r: Rating, text?: string) {
    setState('saving');
    try {
      await onRate(r, text);
      setState(text ? 'thanks' : 'idle');
      setAsking(text === undefined);
    } catch {
      setState('error');
    }
  }
  return (
    <>
      <button type="button" className="ghost small" aria-label="Good answer" aria-pressed={rating === 'up'} onClick={() => void rate('up')}><Thumb /></button>
      <button type="button" className="ghost small" aria-label="Bad answer" aria-pressed={rating === 'down'} onClick={() => void rate('down')}><Thumb down /></button>
      {state === 'error' && <span className="chat-inline-error" role="alert">Feedback not saved</span>}
      {state === 'thanks' && <span className="chat-muted" role="status">Thanks for the feedback</span>}
      {asking && rating && (
        <form
          className="chat-feedback-form" aria-label="Feedback comment"
          onSubmit={(e) => {
            e.preventDefault();
            void rate(rating, comment.trim());
          }}
        >
          <label htmlFor={`fb-${m.id}`}>{rating === 'down' ? 'What was wrong? (optional)' : 'What was good? (optional)'}</label>
          <textarea id={`fb-${m.id}`} rows={2} maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} />
          <div className="chat-row">
            <button type="submit" className="small primary" disabled={!comment.trim() || state === 'saving'}>Send comment</button>
            <button type="button" className="small" onClick={() => setAsking(false)}>Skip</button>
          </div>
        </form>
      )}
    </>
  );
}

export function ChatMessageView({ m, onCite, onRate }: {
  m: ChatMessage;
  onCite: (n: number | null) => void;
  onRate?: (r: Rating, comment?: string) => Promise<void>;
}) {
  const [copied, setCopied] = useState(false);
  const streaming = m.status === 'streaming';
  const err = m.error && readableError(m.error);
  const cited = new Set((m.citations ?? []).map((c, i) => c.n ?? i + 1));
  return (
    <article className={`chat-msg ${m.role}`} data-testid={`chat-${m.role}`} data-status={m.status ?? 'done'} aria-label={m.role === 'user' ? 'You said' : 'Assistant answered'}>
      {/* The transcript is a polite live region; busy while streaming, so a screen reader reads the answer once, whole. */}
      <div className="chat-msg-body" aria-busy={streaming || undefined}>
        {m.role === 'assistant' ? <AnswerText text={m.content} cited={cited} onCite={onCite} /> : m.content}
        {streaming && !m.content && <span className="chat-muted">Thinking…</span>}
        {streaming && <span className="chat-caret" aria-hidden="true" />}
        {m.status === 'stopped' && <span className="chat-muted"> (stopped)</span>}
      </div>
      {err && (
        <div className="chat-error" role="alert" data-testid="chat-error" data-code={m.error!.code}>
          <strong>{err.title}</strong>
          <span>{err.detail}</span>
        </div>
      )}
      {m.role === 'assistant' && !streaming && (m.content || m.citations?.length) ? (
        <div className="chat-actions" role="group" aria-label="Answer actions">
          {m.citations && m.citations.length > 0 && (
            <button type="button" className="ghost small" onClick={() => onCite(null)}>
              Sources ({m.citations.length})
            </button>
          )}
          <button
            type="button" className="ghost small" aria-label={copied ? 'Answer copied' : 'Copy answer'}
            onClick={() => void copyText(m.content).then((ok) => {
              setCopied(ok);
              setTimeout(() => setCopied(false), 1500);
            })}
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
          {onRate && m.stored && <Feedback m={m} onRate={onRate} />}
        </div>
      ) : null}
    </article>
  );
}
