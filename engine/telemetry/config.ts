/**
 * OpenTelemetry settings, read from the standard OTEL_* variables in one place. Tracing is on only
 * when an OTLP endpoint is given; otherwise the SDK is never loaded (telemetry.ts).
 */
import { WeirError } from '../errors.ts';

export interface TelemetryConfig {
  /** Full OTLP/HTTP traces URL (…/v1/traces). */
  url: string;
  /** Sent with every export (OTEL_EXPORTER_OTLP_HEADERS, OTEL_EXPORTER_OTLP_TRACES_HEADERS). */
  headers: Record<string, string>;
  /** The resource's service.name (OTEL_SERVICE_NAME, else `weir`). */
  serviceName: string;
  /** Record prompts and completions on model call spans (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true). */
  captureContent: boolean;
}

type Env = Record<string, string | undefined>;

/** `k1=v1,k2=v2`, values percent-decoded (the OTLP exporter spec's format). */
function parseHeaders(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    try {
      out[key] = decodeURIComponent(value);
    } catch {
      out[key] = value;
    }
  }
  return out;
}

/**
 * Tracing settings from the environment, or null when traces are not exported: no endpoint,
 * OTEL_SDK_DISABLED=true, or OTEL_TRACES_EXPORTER=none. A traces endpoint is used as given; the
 * general endpoint gets `/v1/traces` appended, as the OTLP exporter spec says.
 */
export function telemetryFromEnv(env: Env): TelemetryConfig | null {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return null;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return null;
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const url = traces || (base ? `${base.replace(/\/+$/, '')}/v1/traces` : '');
  if (!url) return null;
  let protocol = '';
  try {
    protocol = new URL(url).protocol;
  } catch {
    // reported below
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    const name = traces ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
    throw new WeirError('invalid_config', `${name} must be an http:// or https:// URL (OTLP/HTTP), not "${traces || base}"`);
  }
  return {
    url,
    headers: { ...parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS), ...parseHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS) },
    serviceName: env.OTEL_SERVICE_NAME?.trim() || 'weir',
    captureContent: env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT?.trim().toLowerCase() === 'true',
  };
}
