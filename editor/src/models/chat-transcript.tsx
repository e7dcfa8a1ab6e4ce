import { useEffect, useRef, type ReactNode } from 'react';
import type { ChatTurn } from './playground-store.ts';

/** `[n]` citations stand out, so it is easy to see which passage a sentence came from. */
function WithCitations({ text }: { text: string }) {
  const parts = text.split(/(\[\d{1,4}\])/);
  return (
    <>
      {parts.map((p, i) => (/^\[\d+\]$/.test(p) ? <span key={i} className="cite">{p}</span> : p))}
    </>
  );
}

function TurnMeta({ t }: { t: ChatTurn }) {
  if (t.status === 'streaming') return <div className="turn-meta"><span className="tag run">streaming…</span></div>;
  const bits: string[] = [];
  if (t.deployment) bits.push(t.deployment);
  if (t.usage) bits.push(`${t.usage.prompt_tokens} prompt + ${t.usage.completion_tokens} completion = ${t.usage.total_tokens} tokens`);
  if (t.firstTokenMs !== undefined) bits.push(`first token ${t.firstTokenMs} ms`);
  if (t.totalMs !== undefined) bits.push(`${t.totalMs} ms total`);
  if (t.finishReason) bits.push(`finish: ${t.finishReason}`);
  return (
    <div className="turn-meta" data-testid="turn-meta">
      {t.status === 'stopped' && <span className="tag warn">stopped</span>}
      {t.finishReason === 'length' && <span className="tag warn" title="Raise max tokens for a longer answer">cut at max tokens</span>}
      <span className="muted">{bits.join(' · ')}</span>
    </div>
  );
}

export function ChatTranscript({ turns, empty }: { turns: ChatTurn[]; empty: ReactNode }) {
  const end = useRef<HTMLDivElement>(null);
  const last = turns[turns.length - 1];
  // Follow the answer as it streams in.
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [turns.length, last?.content, last?.status]);

  return (
    <div className="transcript" role="log" aria-label="Chat transcript" aria-live="polite">
      {!turns.length && <div className="transcript-empty">{empty}</div>}
      {turns.map((t) => (
        <div key={t.id} className={`turn ${t.role}`} data-testid={`turn-${t.role}`} data-status={t.status}>
          <div className="turn-role">{t.role === 'user' ? 'You' : 'Assistant'}</div>
          <div className="turn-body">
            {t.role === 'assistant' ? <WithCitations text={t.content} /> : t.content}
            {t.status === 'streaming' && <span className="caret" aria-hidden="true" />}
            {t.status === 'done' && !t.content && <span className="muted">(empty answer)</span>}
          </div>
          {t.error && <div className="error-text turn-error" role="alert">{t.error}</div>}
          {t.role === 'assistant' && <TurnMeta t={t} />}
        </div>
      ))}
      <div ref={end} />
    </div>
  );
}
