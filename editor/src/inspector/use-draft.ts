import { useState } from 'react';

/**
 * Text a person is typing into a field bound to the document. The text stays as typed while it is
 * invalid or formats differently from the stored value (`1.50` stored as 1.5), and is replaced only
 * when the document changes from elsewhere (undo, the canvas, the YAML view).
 */
export function useDraft(external: string): { text: string; edit: (text: string, stored?: string) => void } {
  const [state, setState] = useState({ text: external, seen: external });
  let text = state.text;
  if (state.seen !== external) {
    // Adjusting state during render is React's way to follow a prop without an extra paint.
    setState({ text: external, seen: external });
    text = external;
  }
  return {
    text,
    /** `stored`: how the document will read after this edit's commit (omit when nothing is committed). */
    edit: (next, stored) => setState((s) => ({ text: next, seen: stored ?? s.seen })),
  };
}
