import { api } from '../api/client.ts';

/** A connection as the API answers it: settings readable, secrets by name only (never their values). */
export interface Connection {
  name: string;
  type: string;
  settings: Record<string, unknown>;
  secrets: string[];
  created_at: string;
  updated_at: string;
}

export interface ConnectionBody {
  type: string;
  settings: Record<string, unknown>;
  /** A value sets the secret, null removes it; a secret left out is kept as it is. */
  secrets?: Record<string, string | null>;
}

/** POST /api/connections/{name}/test: one real request to the service. */
export interface TestResult {
  ok: boolean;
  status: number | null;
  message: string;
  latency_ms: number;
}

const path = (name: string) => `/api/connections/${encodeURIComponent(name)}`;

export const connectionsApi = {
  list: async () => (await api<{ data: Connection[] }>('/api/connections')).data,
  put: (name: string, body: ConnectionBody) => api<Connection>(path(name), { method: 'PUT', body }),
  remove: (name: string) => api<void>(path(name), { method: 'DELETE' }),
  test: (name: string) => api<TestResult>(`${path(name)}/test`, { method: 'POST' }),
};

/** The server's rule for connection names. */
export const CONNECTION_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
