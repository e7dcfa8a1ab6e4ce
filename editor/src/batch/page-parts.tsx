import type { ReactNode } from 'react';
import { href } from '../shell/router.ts';

/** A batch page's head: back to the list, its title, then what follows it (tags, buttons). */
export function BatchHead({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-head">
      <a href={href('batch-runs')} className="muted">
        Batch runs
      </a>
      <span className="muted">/</span>
      <h1>{title}</h1>
      {children}
    </div>
  );
}

/** The load's error, or "Loading…" until there is something to show. */
export function LoadState({ error, loaded }: { error?: Error; loaded: boolean }) {
  if (error)
    return (
      <p className="error-text" role="alert">
        {error.message}
      </p>
    );
  return loaded ? null : <div className="loading">Loading…</div>;
}
