import { useEffect, useRef, useState } from 'react';
import { request } from '../api/client.ts';
import type { FlowRecord } from '../api/types.ts';
import { CodeEditor } from '../components/code-editor.tsx';
import { useEditor } from './store.ts';

const flowUrl = (name: string) => `/api/flows/${encodeURIComponent(name)}`;

/**
 * The same flow as YAML, as the server stores it (comments kept). Edits are sent as YAML after a
 * pause in typing; the canvas takes the parsed result. Text that does not parse stays here, with the
 * reason, and changes nothing.
 */
export function YamlView() {
  const name = useEditor((s) => s.name);
  const doc = useEditor((s) => s.doc);
  const [text, setText] = useState<string>();
  const [error, setError] = useState<string>();
  const adopted = useRef<unknown>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  // Load the text, and load it again when the draft changed elsewhere (undo, a toolbar command).
  useEffect(() => {
    if (doc === adopted.current) return;
    let live = true;
    (async () => {
      await useEditor.getState().flush();
      const res = await request(flowUrl(name), { headers: { accept: 'application/yaml' } });
      const body = await res.text();
      if (live) {
        setText(body);
        setError(undefined);
        adopted.current = useEditor.getState().doc;
      }
    })().catch((err: Error) => live && setError(err.message));
    return () => {
      live = false;
    };
  }, [doc, name]);

  const send = async (yaml: string) => {
    try {
      const etag = useEditor.getState().etag;
      const res = await request(flowUrl(name), { method: 'PUT', raw: yaml, headers: { 'content-type': 'application/yaml', ...(etag ? { 'if-match': etag } : {}) } });
      const record = (await res.json()) as FlowRecord;
      adopted.current = record.definition;
      useEditor.getState().adopt(record);
      setError(undefined);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const onChange = (value: string) => {
    setText(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void send(value), 700);
  };

  if (text === undefined) return <div className="loading">{error ?? 'Loading YAML…'}</div>;
  return (
    <div className="yaml-view">
      {error && <div className="yaml-error" role="alert">{error}</div>}
      <CodeEditor value={text} onChange={onChange} language="yaml" ariaLabel="Flow YAML" minHeight="100%" />
    </div>
  );
}
