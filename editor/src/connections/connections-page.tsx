import { useState } from 'react';
import { useLoad } from '../components/ui.tsx';
import { ConfirmDialog } from '../deployments/confirm-dialog.tsx';
import { typeLabel } from './connection-kinds.ts';
import { ConnectionForm } from './connection-form.tsx';
import { connectionsApi, type Connection, type TestResult } from './connections-api.ts';
import '../styles/connections.css';

type Tested = { running: true } | { running: false; result?: TestResult; error?: string };

function TestOutcome({ t }: { t: Tested }) {
  if (t.running) return <span className="muted" role="status">Testing…</span>;
  if (t.error) return <span className="error-text" role="status">{t.error}</span>;
  const r = t.result!;
  return (
    <span role="status" className={`conn-test ${r.ok ? 'ok' : 'bad'}`}>
      <span className={`tag ${r.ok ? 'ok' : 'bad'}`}>{r.ok ? 'ok' : 'failed'}</span> {r.message}
    </span>
  );
}

function where(c: Connection): string {
  const url = c.settings.base_url ?? c.settings.endpoint;
  return typeof url === 'string' ? url : '—';
}

/** `#/connections`: the outside services flows and deployments use, their settings and write-only secrets. */
export function ConnectionsPage() {
  const list = useLoad(() => connectionsApi.list(), []);
  const [editing, setEditing] = useState<Connection | 'new'>();
  const [deleting, setDeleting] = useState<string>();
  const [tests, setTests] = useState<Record<string, Tested>>({});

  const test = async (name: string) => {
    setTests((t) => ({ ...t, [name]: { running: true } }));
    try {
      const result = await connectionsApi.test(name);
      setTests((t) => ({ ...t, [name]: { running: false, result } }));
    } catch (err) {
      setTests((t) => ({ ...t, [name]: { running: false, error: (err as Error).message } }));
    }
  };
  const saved = (name: string) => {
    // A test result belongs to the settings it was made with.
    setTests(({ [name]: _gone, ...rest }) => rest);
    list.reload();
  };

  return (
    <div className="page-pad connections">
      <div className="page-head">
        <h1>Connections</h1>
        <span className="spacer" />
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          New connection
        </button>
      </div>
      <p className="muted">
        Where outside services are and how to sign in to them: OpenAI, Azure OpenAI and Ollama for remote model deployments and llm nodes, any HTTP API for
        the http node. Secrets are encrypted at rest and never shown again — this page only says which are set.
      </p>
      {list.error && (
        <p className="error-text" role="alert">
          {list.error.message}
        </p>
      )}
      {!list.data && !list.error && <div className="loading">Loading…</div>}
      {list.data && !list.data.length && (
        <div className="card empty-card">
          <p>No connection yet. Create one to deploy a remote model (OpenAI, Azure OpenAI, Ollama) or to call an HTTP API from a flow.</p>
        </div>
      )}
      {list.data && list.data.length > 0 && (
        <table className="list conn-table" aria-label="Connections">
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th>Address</th>
              <th>Secrets</th>
              <th>Test</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.map((c) => (
              <tr key={c.name} data-testid={`connection-${c.name}`}>
                <td>
                  <b>{c.name}</b>
                </td>
                <td>{typeLabel(c.type)}</td>
                <td className="mono small-text conn-url">{where(c)}</td>
                <td>{c.secrets.length ? c.secrets.map((s) => <span key={s} className="tag ok">{s} set</span>) : <span className="muted">none</span>}</td>
                <td className="conn-test-cell">{tests[c.name] && <TestOutcome t={tests[c.name]} />}</td>
                <td className="actions">
                  <button type="button" className="small" aria-label={`Test connection ${c.name}`} disabled={tests[c.name]?.running} onClick={() => void test(c.name)}>
                    Test
                  </button>
                  <button type="button" className="small" aria-label={`Edit connection ${c.name}`} onClick={() => setEditing(c)}>
                    Edit
                  </button>
                  <button type="button" className="small danger" aria-label={`Delete connection ${c.name}`} onClick={() => setDeleting(c.name)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing && <ConnectionForm conn={editing === 'new' ? undefined : editing} onClose={() => setEditing(undefined)} onSaved={saved} />}
      {deleting && (
        <ConfirmDialog
          title={`Delete connection ${deleting}`}
          confirmLabel="Delete"
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await connectionsApi.remove(deleting);
            saved(deleting);
          }}
        >
          <p>
            Deployments and flows that use <code>{deleting}</code> fail on their next call until a connection of that name exists again. Its secrets are
            deleted.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
