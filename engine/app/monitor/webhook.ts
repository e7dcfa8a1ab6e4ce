import type { AlertRow } from '../../store/types.ts';

const TIMEOUT_MS = 10_000;

/**
 * POSTs an alert as JSON to an http connection's base_url (its headers, and its api_key as a
 * Bearer token), and says how it went: 'sent', or what failed. The connection is the operator's
 * own setting, as the alert goes to their endpoint.
 */
export async function postAlert(conn: { type: string; settings: Record<string, unknown>; secrets: Record<string, string> } | undefined, name: string, alert: AlertRow): Promise<string> {
  const url = conn?.settings.base_url;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return `connection "${name}" has no http(s) settings.base_url`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const extra = conn!.settings.headers;
  if (extra && typeof extra === 'object') for (const [k, v] of Object.entries(extra)) if (typeof v === 'string') headers[k] = v;
  if (conn!.secrets.api_key) headers.authorization = `Bearer ${conn!.secrets.api_key}`;
  const body = {
    type: 'weir.monitor.alert', id: alert.id, deployment: alert.deployment, evaluator: alert.evaluator, metric: alert.metric,
    value: alert.value, threshold: alert.threshold, samples: alert.samples, window_hours: alert.windowMs / 3_600_000, at: new Date(alert.at).toISOString(),
  };
  try {
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'manual' });
    await res.body?.cancel();
    return res.ok ? 'sent' : `the webhook answered ${res.status}`;
  } catch (err) {
    return `the webhook could not be reached (${(err as Error).name === 'TimeoutError' ? `no answer in ${TIMEOUT_MS / 1000} s` : (err as Error).message})`;
  }
}
