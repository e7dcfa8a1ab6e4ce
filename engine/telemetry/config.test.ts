import { describe, expect, it } from 'vitest';
import { telemetryFromEnv } from './config.ts';

describe('telemetryFromEnv', () => {
  it('is off without an OTLP endpoint, whatever else is set', () => {
    expect(telemetryFromEnv({})).toBeNull();
    expect(telemetryFromEnv({ OTEL_SERVICE_NAME: 'x', OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBeNull();
  });

  it('appends /v1/traces to the general endpoint and takes the traces endpoint as given', () => {
    expect(telemetryFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({ url: 'http://collector:4318/v1/traces', headers: {}, serviceName: 'weir', captureContent: false });
    const both = telemetryFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/custom/path' });
    expect(both?.url).toBe('https://b/custom/path');
  });

  it('reads the service name, headers (traces ones win) and the content opt-in', () => {
    const c = telemetryFromEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      OTEL_SERVICE_NAME: 'weir-eu',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc, x-tenant=one',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=two',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'TRUE',
    });
    expect(c).toEqual({ url: 'http://c:4318/v1/traces', headers: { authorization: 'Bearer abc', 'x-tenant': 'two' }, serviceName: 'weir-eu', captureContent: true });
    expect(telemetryFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'yes' })?.captureContent).toBe(false);
  });

  it('is off when the SDK is disabled or the traces exporter is none', () => {
    expect(telemetryFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' })).toBeNull();
    expect(telemetryFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' })).toBeNull();
  });

  it('refuses an endpoint that is not an http(s) URL, naming the variable', () => {
    expect(() => telemetryFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT must be an http/);
    expect(() => telemetryFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://c' })).toThrow(/OTEL_EXPORTER_OTLP_TRACES_ENDPOINT/);
  });
});
