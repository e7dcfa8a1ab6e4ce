import type { DeploymentRow, VersionRow } from '../../store/types.ts';

const TYPE_SCHEMAS: Record<string, object> = {
  string: { type: 'string' },
  number: { type: 'number' },
  integer: { type: 'integer' },
  boolean: { type: 'boolean' },
  object: { type: 'object' },
  array: { type: 'array' },
  list: { type: 'array' },
  chat_history: { type: 'array', items: { type: 'object', properties: { inputs: { type: 'object' }, outputs: { type: 'object' } } } },
  any: {},
};

type FlowDef = { description?: string; inputs?: Record<string, { type?: string; default?: unknown; description?: string; optional?: boolean }>; outputs?: Record<string, unknown> };

// Every error a caller of a published endpoint can meet, so generated clients handle each one.
const ERRORS: Record<string, string> = {
  400: 'bad input (invalid_json, invalid_input naming the field, request_aborted, version_not_deployed for a pinned version)',
  401: 'missing, unknown, revoked or expired key',
  404: 'no such deployment',
  405: 'wrong method (method_not_allowed, with Allow)',
  413: 'body over the limit (body_too_large)',
  429: "over the key's requests per minute (rate_limit_exceeded)",
  502: "the flow failed (the node's error code, the node named in the message)",
  504: 'the run or a node went over its deadline (run_deadline_exceeded, node_timeout)',
};
const RATE_HEADERS = {
  'retry-after': { description: 'seconds until a call can be admitted', schema: { type: 'integer' } },
  'retry-after-ms': { description: 'milliseconds until a call can be admitted', schema: { type: 'integer' } },
  'x-ratelimit-limit-requests': { schema: { type: 'integer' } },
  'x-ratelimit-remaining-requests': { schema: { type: 'integer' } },
  'x-ratelimit-reset-requests': { schema: { type: 'string' } },
};

/** An OpenAPI 3.1 document for one deployment, from its flow's inputs and outputs. */
export function deploymentOpenApi(d: DeploymentRow, v: VersionRow): object {
  const def = (v.definition ?? {}) as FlowDef;
  const inputs = def.inputs ?? {};
  const required = Object.entries(inputs).filter(([, s]) => s.default === undefined && !s.optional).map(([k]) => k);
  const request = {
    type: 'object',
    additionalProperties: false,
    required,
    properties: Object.fromEntries(Object.entries(inputs).map(([k, s]) => [k, { ...TYPE_SCHEMAS[s.type ?? 'string'], ...(s.default !== undefined ? { default: s.default } : {}), ...(s.description ? { description: s.description } : {}) }])),
  };
  const response = { type: 'object', properties: Object.fromEntries(Object.keys(def.outputs ?? {}).map((k) => [k, {}])) };
  const error = { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, param: { type: ['string', 'null'] }, type: { type: 'string' } } } } };
  const headers = { 'weir-version': { description: 'the flow version that served the call', schema: { type: 'integer' } }, 'x-request-id': { description: 'the run id', schema: { type: 'string' } } };
  const errors = Object.fromEntries(Object.entries(ERRORS).map(([s, description]) => [s, {
    description,
    ...(s === '429' ? { headers: RATE_HEADERS } : {}),
    content: { 'application/json': { schema: error } },
  }]));
  return {
    openapi: '3.1.0',
    info: { title: `${d.name} (flow ${v.flow})`, version: String(v.number), description: def.description ?? '' },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, apiKey: { type: 'apiKey', in: 'header', name: 'api-key' } } },
    security: [{ bearer: [] }, { apiKey: [] }],
    paths: {
      [`/deployments/${d.name}/score`]: {
        post: {
          operationId: 'score',
          summary: `Run flow ${v.flow}`,
          parameters: [{ name: 'weir-version', in: 'header', required: false, schema: { type: 'integer', enum: d.traffic.map((t) => t.version) }, description: 'pin a deployed version' }],
          requestBody: { required: true, content: { 'application/json': { schema: request } } },
          responses: {
            200: { description: 'the flow outputs (or, with Accept: text/event-stream, SSE: chunk events then one result event)', headers, content: { 'application/json': { schema: response }, 'text/event-stream': { schema: { type: 'string' } } } },
            ...errors,
          },
        },
      },
      [`/deployments/${d.name}/runs`]: {
        post: {
          operationId: 'startRun',
          summary: 'Start a long run; poll /api/runs/{id}',
          requestBody: { required: true, content: { 'application/json': { schema: request } } },
          responses: { 202: { description: 'accepted', content: { 'application/json': { schema: { type: 'object', properties: { run_id: { type: 'string' }, status: { type: 'string' }, poll: { type: 'string' }, events: { type: 'string' } } } } } }, ...errors },
        },
      },
    },
  };
}
