import { useEffect, useRef } from 'react';
import { highlightPassage } from './cite-highlight.ts';
import type { Citation } from './types.ts';

function headingPath(h: Citation['heading_path']): string {
  if (Array.isArray(h)) return h.filter(Boolean).join(' › ');
  return typeof h === 'string' ? h : '';
}

/** The passages an answer cites: where each comes from, and the part of it the answer used marked. */
export function CitationsPanel({ citations, answer, focus, onClose }: { citations: Citation[]; answer: string; focus?: number | null; onClose: () => void }) {
  const panel = useRef<HTMLElement>(null);
  useEffect(() => {
    const el = focus != null ? panel.current?.querySelector<HTMLElement>(`[data-citation="${focus}"]`) : null;
    (el ?? panel.current?.querySelector<HTMLElement>('h2'))?.focus();
    el?.scrollIntoView({ block: 'nearest' });
  }, [focus, citations]);
  return (
    <aside
      ref={panel} className="chat-citations" aria-label="Citations" data-testid="citations-panel"
      onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), onClose())}
    >
      <div className="chat-citations-head">
        <h2 tabIndex={-1}>Sources</h2>
        <button type="button" className="ghost" onClick={onClose} aria-label="Close sources">✕</button>
      </div>
      <ol className="chat-citation-list">
        {citations.map((c, i) => {
          const path = headingPath(c.heading_path);
          const n = c.n ?? i + 1;
          return (
            <li key={`${n}-${i}`} className="chat-citation" data-testid="citation" data-citation={n} tabIndex={-1} aria-label={`Source ${n}: ${c.source}`}>
              <div className="chat-citation-head">
                <span className="chat-cite-n" aria-hidden="true">{n}</span>
                <span className="chat-citation-source">{c.title && c.title !== c.source ? `${c.title} — ${c.source}` : c.source}</span>
              </div>
              {(path || c.page != null) && (
                <div className="chat-citation-where">
                  {path && <span data-testid="citation-heading">{path}</span>}
                  {path && c.page != null && ' · '}
                  {c.page != null && <span>page {c.page}</span>}
                </div>
              )}
              <blockquote className="chat-citation-text" data-testid="citation-text">
                {highlightPassage(c.text.replace(/(?<!\n)\n(?!\n)/g, ' '), answer, c.n).map((s, k) => (s.marked ? <mark key={k}>{s.text}</mark> : <span key={k}>{s.text}</span>))}
              </blockquote>
            </li>
          );
        })}
      </ol>
    </aside>
  );
}
