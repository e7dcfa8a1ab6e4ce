import { useEffect } from 'react';
import { copySelection, duplicateSelection, paste, selectAll } from './actions.ts';
import { PANEL_KEYS, usePanels } from './panels.ts';
import { useEditor } from './store.ts';

/** Keys typed into a field (inputs, CodeMirror) belong to that field, not to the canvas. */
function typing(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/** Undo/redo, copy/paste, duplicate, select all, save, and showing or hiding the panels, for the canvas. */
export function useCanvasKeys(enabled: boolean, onHelp: () => void): void {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (typing(e.target)) return;
      if (e.key === '?') return onHelp();
      const panel = PANEL_KEYS[e.key];
      if (panel && !(e.ctrlKey || e.metaKey || e.altKey)) return usePanels.getState().toggle(panel);
      if (!(e.ctrlKey || e.metaKey)) return;
      const s = useEditor.getState();
      const k = e.key.toLowerCase();
      const act = (fn: () => void) => {
        e.preventDefault();
        fn();
      };
      if (k === 'z' && !e.shiftKey) act(s.undo);
      else if ((k === 'z' && e.shiftKey) || k === 'y') act(s.redo);
      else if (k === 'c') copySelection();
      else if (k === 'v') act(paste);
      else if (k === 'd') act(duplicateSelection);
      else if (k === 'a') act(selectAll);
      else if (k === 's') act(() => void s.flush());
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled, onHelp]);
}
