import type { ModelEntry } from '../../models/types.ts';
import type { DeploymentRow } from '../../store/types.ts';

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
              messages: { type: 'array', items: { type: 'object', properties: { role: { enum: ['system', 'user', 'assistant'] }, content: { type: 'string' } } }, default: [{ role: 'user', content: 'Hello!' }] },
              ...sampling,
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
