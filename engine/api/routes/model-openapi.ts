import { supportsOf } from '../../models/catalog.ts';
import type { ModelEntry } from '../../models/types.ts';
import type { DeploymentRow } from '../../store/types.ts';

/** OpenAI's function calling, offered where the model supports it (the catalog's `supports.tools`). */
const TOOL_PROPERTIES = {
  tools: {
    type: 'array',
    items: {
      type: 'object',
      required: ['type', 'function'],
      properties: {
        type: { const: 'function' },
        function: { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' }, description: { type: 'string' }, parameters: { type: 'object', description: 'JSON Schema of the arguments' }, strict: { type: 'boolean' } } },
      },
    },
  },
  tool_choice: { oneOf: [{ enum: ['none', 'auto', 'required'] }, { type: 'object', properties: { type: { const: 'function' }, function: { type: 'object', properties: { name: { type: 'string' } } } } }] },
  parallel_tool_calls: { type: 'boolean' },
};

/** OpenAI's JSON modes; a local model keeps to the schema through a grammar. */
const RESPONSE_FORMAT = {
  oneOf: [
    { type: 'object', properties: { type: { enum: ['text', 'json_object'] } } },
    { type: 'object', properties: { type: { const: 'json_schema' }, json_schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, schema: { type: 'object' }, strict: { type: 'boolean' } } } } },
  ],
};

/**
 * An OpenAPI 3.1 document for a model deployment: its OpenAI-compatible route, with defaults that
 * make a working first request (the API reference page fills its example from them).
 */
export function modelOpenApi(d: DeploymentRow, entry: ModelEntry | undefined): object {
  const model = { type: 'string', const: d.name, default: d.name, description: 'the deployment name' };
  const sampling = {
    max_tokens: { type: 'integer', minimum: 1, default: 200 },
    temperature: { type: 'number', minimum: 0, maximum: 2, default: 0.7 },
    stream: { type: 'boolean', default: false },
  };
  const route =
    entry?.task === 'embeddings'
      ? { path: '/v1/embeddings', summary: 'Embed texts', properties: { model, input: { type: 'array', items: { type: 'string' }, default: ['Hello, world'] } }, required: ['model', 'input'] }
      : entry?.task === 'text-generation'
        ? { path: '/v1/completions', summary: 'Complete a prompt', properties: { model, prompt: { type: 'string', default: 'Once upon a time' }, ...sampling }, required: ['model', 'prompt'] }
        : {
            path: '/v1/chat/completions',
            summary: 'Chat',
            properties: {
              model,
              messages: { type: 'array', items: { type: 'object', properties: { role: { enum: ['system', 'developer', 'user', 'assistant', 'tool'] }, content: { type: ['string', 'null'] } } }, default: [{ role: 'user', content: 'Hello!' }] },
              ...sampling,
              ...(entry && supportsOf(entry).tools ? TOOL_PROPERTIES : {}),
              ...(entry && supportsOf(entry).structured_output ? { response_format: RESPONSE_FORMAT } : {}),
            },
            required: ['model', 'messages'],
          };
  const error = { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, param: { type: ['string', 'null'] }, type: { type: 'string' } } } } };
  return {
    openapi: '3.1.0',
    info: { title: `${d.name} (model ${d.model})`, version: entry?.id ?? String(d.model), description: entry?.description ?? '' },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, apiKey: { type: 'apiKey', in: 'header', name: 'api-key' } } },
    security: [{ bearer: [] }, { apiKey: [] }],
    paths: {
      [route.path]: {
        post: {
          operationId: route.path.slice(4).replace('/', '_'),
          summary: route.summary,
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: route.required, properties: route.properties } } } },
          responses: {
            200: { description: 'OpenAI-shaped response (SSE chunks with stream: true)', content: { 'application/json': { schema: { type: 'object' } } } },
            ...Object.fromEntries(['400', '401', '503'].map((s) => [s, { description: 'error', content: { 'application/json': { schema: error } } }])),
          },
        },
      },
    },
  };
}
