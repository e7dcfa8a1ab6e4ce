import type { ReactNode } from 'react';

/** A titled, collapsible part of the inspector (a native <details>, so keyboard and screen readers just work). */
export function Section({ title, children, open = true, extra }: { title: string; children: ReactNode; open?: boolean; extra?: ReactNode }) {
  return (
    <details className="insp-section" open={open}>
      <summary>
        <span className="insp-section-title">{title}</span>
        {extra}
      </summary>
      <div className="insp-section-body">{children}</div>
    </details>
  );
}
