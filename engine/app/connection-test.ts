/**
 * "Test" on a connection: one real request to the service it names, with a short timeout, answered
 * in words a user can act on. It reads the same settings the runtime reads (model-deployments.ts for
 * OpenAI / Azure / Ollama, nodes/http.ts for http), so a connection that tests ok is one that works.
 */
import { WeirError } from '../errors.ts';

export interface ConnectionTestResult {
  ok: boolean;
  /** The HTTP status the service answered; null when nothing answered. */
  status: number | null;
  message: string;
  latency_ms: number;
}

export interface ResolvedConnection {
  name: string;
  type: string;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
}

export const TESTABLE_TYPES = ['openai', 'azure_openai', 'ollama', 'http'] as const;
export const TEST_TIMEOUT_MS = 5000;

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

function stringHeaders(v: unknown): Record<string, string> {
  if (!v || typeof v !== 'object') return {};
  return Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as Record<string, string>;
}

/** Azure's flavour is what the runtime infers: an api_version, or flavor: azure. */
function isAzure(c: ResolvedConnection): boolean {
  return c.type === 'azure_openai' || c.settings.flavor === 'azure' || (c.type !== 'ollama' && c.type !== 'http' && c.settings.flavor !== 'openai' && !!str(c.settings.api_version));
}

interface Probe {
  url: string;
  method: 'GET' | 'HEAD';
  headers: Record<string, string>;
  /** What the listing is called in messages ("the model list"). */
  what: string;
}

function needUrl(c: ResolvedConnection, key: string): URL {
  const raw = str(c.settings[key]);
  if (!raw) throw new WeirError('connection_invalid', `connection "${c.name}" has no settings.${key}: set it to the service's address`, { status: 422, path: ['settings', key] });
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WeirError('connection_invalid', `connection "${c.name}": settings.${key} "${raw}" is not a URL`, { status: 422, path: ['settings', key] });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WeirError('connection_invalid', `connection "${c.name}": settings.${key} must be an http(s) URL`, { status: 422, path: ['settings', key] });
  }
  return url;
}

const trimSlash = (u: URL) => u.toString().replace(/\/+$/, '');

/** Which request proves the connection works, per type. */
export function probeFor(c: ResolvedConnection): Probe {
  const headers = stringHeaders(c.settings.headers);
  const key = c.secrets.api_key;
  if (c.type === 'ollama') {
    // Ollama's own API sits beside its OpenAI-compatible /v1, which is what deployments are given.
    const base = trimSlash(needUrl(c, 'base_url')).replace(/\/v1$/, '');
    return { url: `${base}/api/tags`, method: 'GET', headers, what: 'the model list' };
  }
  if (c.type === 'http') {
    const auth = str(c.settings.auth) ?? (key ? 'bearer' : c.secrets.username ? 'basic' : 'none');
    const header = str(c.settings.auth_header);
    if (auth === 'bearer' && key) headers[header ?? 'authorization'] = `Bearer ${key}`;
    if (auth === 'api-key' && key) headers[header ?? 'api-key'] = key;
    if (auth === 'basic' && c.secrets.username) headers.authorization = `Basic ${Buffer.from(`${c.secrets.username}:${c.secrets.password ?? ''}`).toString('base64')}`;
    return { url: needUrl(c, 'base_url').toString(), method: 'GET', headers, what: 'its base_url' };
  }
  if (isAzure(c)) {
    const version = str(c.settings.api_version);
    if (!version) throw new WeirError('connection_invalid', `connection "${c.name}" is Azure OpenAI and needs settings.api_version (e.g. 2024-10-21)`, { status: 422, path: ['settings', 'api_version'] });
    const base = trimSlash(needUrl(c, 'base_url'));
    const root = base.endsWith('/openai') ? base : `${base}/openai`;
    if (key) headers['api-key'] = key;
    return { url: `${root}/models?api-version=${encodeURIComponent(version)}`, method: 'GET', headers, what: 'the model list' };
  }
  if (key) headers.authorization = `Bearer ${key}`;
  return { url: `${trimSlash(needUrl(c, 'base_url'))}/models`, method: 'GET', headers, what: 'the model list' };
}

const REACH: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening there (connection refused)',
  ENOTFOUND: 'its name does not resolve',
  EAI_AGAIN: 'its name does not resolve',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
};

function socketReason(err: unknown): string {
  let e: unknown = err;
  let last = String((err as Error)?.message ?? err);
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code && REACH[code]) return REACH[code];
    if ((e as Error).message) last = (e as Error).message;
    e = (e as Error).cause;
  }
  return last;
}

function statusMessage(c: ResolvedConnection, status: number, probe: Probe): string {
  const host = new URL(probe.url).host;
  if (status === 401 || status === 403) {
    const secret = c.type === 'http' && !c.secrets.api_key ? 'its credentials' : 'the API key';
    return c.secrets.api_key || c.secrets.password
      ? `${host} rejected ${secret} (${status}): check the key, or set a new one`
      : `${host} needs credentials (${status}): set the api_key secret`;
  }
  if (status === 404) return `${host} answered 404 for ${new URL(probe.url).pathname}: check the base_url${c.type === 'azure_openai' ? ' and api_version' : ''}`;
  if (status === 429) return `${host} is rate limiting this key (429); the connection itself works`;
  if (status >= 500) return `${host} answered ${status}: the service has a problem on its side; try again later`;
  return `${host} answered ${status} for ${probe.what}`;
}

/** Tries the connection once. Never throws for what the service did: the result says what happened. */
export async function testConnection(c: ResolvedConnection, timeoutMs = TEST_TIMEOUT_MS): Promise<ConnectionTestResult> {
  const probe = probeFor(c);
  const host = new URL(probe.url).host;
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  try {
    const res = await fetch(probe.url, { method: probe.method, headers: probe.headers, signal: ctl.signal, redirect: 'follow' });
    await res.body?.cancel().catch(() => {});
    const ms = latency();
    // A plain HTTP service is reachable if it answers at all below 500 — except a refusal of our credentials.
    const ok = c.type === 'http' ? res.status < 500 && res.status !== 401 && res.status !== 403 : res.ok;
    const message = ok ? `connected to ${host}: it answered ${res.status} in ${ms} ms` : statusMessage(c, res.status, probe);
    return { ok, status: res.status, message, latency_ms: ms };
  } catch (err) {
    const ms = latency();
    const why = ctl.signal.aborted ? `no answer within ${timeoutMs / 1000} s` : socketReason(err);
    return { ok: false, status: null, message: `cannot reach host ${host}: ${why}. Check the address, and that the service runs and this server may reach it`, latency_ms: ms };
  } finally {
    clearTimeout(timer);
  }
}
