import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client.ts';
import { setToken } from '../api/token.ts';

/** Asks for the admin token `npm start` printed (the studio keeps it in this browser). */
export function SignIn({ onDone, refused }: { onDone: () => void; refused: boolean }) {
  const [token, setValue] = useState('');
  const [error, setError] = useState(refused ? 'The server did not accept the saved token. Paste the one it printed at start.' : '');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setToken(token.trim());
    try {
      await api('/api/node-types');
      onDone();
    } catch (err) {
      setToken(null);
      setError(err instanceof ApiError && err.status === 401 ? 'That token was refused: use the admin token `npm start` printed.' : (err as Error).message);
    }
  };
  return (
    <main className="sign-in">
      <form onSubmit={submit} className="card">
        <h1>Weir studio</h1>
        <p>Paste the admin token that <code>npm start</code> printed (or open the link it printed).</p>
        <input autoFocus aria-label="Admin token" type="password" value={token} onChange={(e) => setValue(e.target.value)} placeholder="weir_admin_…" />
        {error && <p className="error-text" role="alert">{error}</p>}
        <button className="primary" disabled={!token.trim()}>Sign in</button>
      </form>
    </main>
  );
}
