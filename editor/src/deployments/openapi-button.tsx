import { useState } from 'react';
import { api } from '../api/client.ts';
import { CodeBlock, Modal } from '../components/ui.tsx';

/**
 * The deployment's OpenAPI document needs a key of the deployment (not the admin token), so a
 * plain link would answer 401: this fetches it with the key just created, or one pasted here.
 */
export function OpenApiButton({ name, keyValue }: { name: string; keyValue?: string }) {
  const [open, setOpen] = useState(false);
  const [key, setKey] = useState(keyValue ?? '');
  const [doc, setDoc] = useState<string>();
  const [error, setError] = useState<string>();
  const path = `/deployments/${name}/openapi.json`;

  const load = async (k: string) => {
    setError(undefined);
    setDoc(undefined);
    try {
      setDoc(JSON.stringify(await api<unknown>(path, { key: k.trim() }), null, 2));
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <>
      <button
        type="button"
        onClick={() => {
          setOpen(true);
          const k = keyValue ?? key;
          if (keyValue) setKey(keyValue);
          if (k.trim()) void load(k);
        }}
      >
        OpenAPI
      </button>
      {open && (
        <Modal title={`OpenAPI of ${name}`} onClose={() => setOpen(false)} actions={<button onClick={() => setOpen(false)}>Close</button>}>
          <p className="muted">
            <code>GET {location.origin + path}</code> with a key of this deployment. Import it into Postman, an SDK generator, or load it in the{' '}
            <a href="/docs" target="_blank" rel="noreferrer">
              API reference
            </a>
            .
          </p>
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              void load(key);
            }}
          >
            <input aria-label="OpenAPI key" type="password" placeholder="weir_… key" value={key} onChange={(e) => setKey(e.target.value)} className="mono grow" />
            <button type="submit" disabled={!key.trim()}>
              Load
            </button>
          </form>
          {error && <p className="error-text">{error}</p>}
          {doc && (
            <div className="openapi-doc">
              <CodeBlock code={doc} label="OpenAPI document" />
            </div>
          )}
        </Modal>
      )}
    </>
  );
}
