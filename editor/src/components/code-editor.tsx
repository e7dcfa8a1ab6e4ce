import { useEffect, useState, type ComponentType } from 'react';
import type { CodeEditorProps } from './code-editor-view.tsx';

export type { CodeEditorProps, CodeLanguage } from './code-editor-view.tsx';

// CodeMirror is most of the editor's code: it loads in the background once the canvas is up, so the
// canvas opens without it. Not React.lazy: a Suspense reveal can be held back up to 300 ms.
let View: ComponentType<CodeEditorProps> | undefined;
let pending: Promise<ComponentType<CodeEditorProps>> | undefined;
export const loadCodeEditor = () => (pending ??= import('./code-editor-view.tsx').then((m) => (View = m.CodeEditorView)));

/** A code editor (CodeMirror) with highlighting for YAML, Jinja, JSONata and JSON. */
export function CodeEditor(props: CodeEditorProps) {
  const [, loaded] = useState(0);
  useEffect(() => {
    if (!View) void loadCodeEditor().then(() => loaded((n) => n + 1));
  }, []);
  if (View) return <View {...props} />;
  return <textarea className="code-loading" readOnly value={props.value} aria-label={props.ariaLabel} rows={3} />;
}
