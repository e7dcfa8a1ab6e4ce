import { lazy, Suspense } from 'react';
import type { CodeEditorProps } from './code-editor-view.tsx';

export type { CodeEditorProps, CodeLanguage } from './code-editor-view.tsx';

// CodeMirror is most of the editor's code: loaded when a code field first shows, the canvas opens
// without waiting for it.
const View = lazy(() => import('./code-editor-view.tsx').then((m) => ({ default: m.CodeEditorView })));

/** A code editor (CodeMirror) with highlighting for YAML, Jinja, JSONata and JSON. */
export function CodeEditor(props: CodeEditorProps) {
  return (
    <Suspense fallback={<textarea className="code-loading" readOnly value={props.value} aria-label={props.ariaLabel} rows={3} />}>
      <View {...props} />
    </Suspense>
  );
}
