import { useState } from 'react';

/** An app with key auth asks once for the deployment key; the page keeps it in this browser. */
export function KeyForm({ title, refused, onKey }: { title: string; refused: boolean; onKey: (key: string) => void }) {
  const [key, setKey] = useState('');
  return (
    <form
      className="app-key" aria-label="Access key required"
      onSubmit={(e) => {
        e.preventDefault();
        if (key.trim()) onKey(key.trim());
      }}
    >
      <h2>{title} needs an access key</h2>
      <p>Ask whoever shared this app for its key.</p>
      {refused && <p className="chat-error" role="alert">That key was refused. Check it and try again.</p>}
      <label htmlFor="app-key-input">Access key</label>
      <input id="app-key-input" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} autoFocus />
      <button type="submit" className="primary" disabled={!key.trim()}>Continue</button>
    </form>
  );
}
