import type { ReactNode } from 'react';
import { CopyButton } from '../components/ui.tsx';
import { formatValue } from './format.ts';
import { isTruncated } from './trace-view.ts';

/** One traced or output value: text reads as text, anything else as pretty JSON, with a copy button. */
export function ValueView({ value, label, live }: { value: unknown; label?: string; live?: boolean }) {
  const text = formatValue(value);
  const kind = typeof value === 'string' ? 'text' : isTruncated(value) ? 'cut' : 'json';
  return (
    <div className={`run-value ${kind}${live ? ' live' : ''}`} aria-label={label}>
      {text !== '' && <CopyButton text={text} />}
      <pre>{text === '' ? <span className="muted">{typeof value === 'string' ? '(empty text)' : '(none)'}</span> : text}</pre>
    </div>
  );
}

/** A labelled section inside the run panels. */
export function Section({ title, children, extra }: { title: string; children: ReactNode; extra?: ReactNode }) {
  return (
    <section className="run-section">
      <div className="run-section-head">
        <h4>{title}</h4>
        {extra}
      </div>
      {children}
    </section>
  );
}
