import { makeTestIndex } from './test-index.ts';
import { loadDefaultModels } from './test-models.ts';
import type { TestContextOptions } from './test-context.ts';
import { sendJson, startServer } from './test-server.ts';

/**
 * What the shared contract suite needs to know about each node type. A node type in builtinNodes
 * without an entry here fails the suite, so new node types can't skip the contract.
 */
export interface ContractCase {
  /** A config the schema accepts; used for the round trip and the sample run. */
  config: unknown;
  /** Inputs for a sample run that must succeed with an output matching the output schema. */
  inputs: Record<string, unknown>;
  /** A config the schema must reject, and the top-level field its issue must name. */
  invalid: { config: unknown; field: string };
  /** A run that only ends when aborted, to prove a mid-run abort is honoured (needs `fixture`). */
  slow?: { config: unknown; inputs: Record<string, unknown> };
  /** Starts what a real run needs (a local server, connections). */
  fixture?: () => Promise<Fixture>;
  /** A test group (test/setup/requirements.ts) the sample run needs; where it is missing the run is left out. */
  group?: string;
}

export interface Fixture {
  context: TestContextOptions;
  /** Resolves once the slow run has really started (e.g. the server received the request). */
  slowStarted?: () => Promise<void>;
  close(): Promise<void>;
}

export const contractCases: Record<string, ContractCase> = {
  prompt: {
    config: { template: 'Hello {{ name }}!' },
    inputs: { name: 'world' },
    invalid: { config: { template: 42 }, field: 'template' },
  },
  transform: {
    config: { expression: '{ "total": $sum(items.price) }' },
    inputs: { items: [{ price: 1 }, { price: 2 }] },
    invalid: { config: { expression: '' }, field: 'expression' },
  },
  coalesce: {
    config: {},
    inputs: { a: undefined, b: null, c: 'value' },
    invalid: { config: { fallback: 1 }, field: 'fallback' },
  },
  flow: {
    config: { flow: 'child' },
    inputs: { question: 'why?' },
    invalid: { config: { flow: 7 }, field: 'flow' },
  },
  llm: {
    config: { deployment: 'chat', template: 'system:\nThe sky is blue. Grass is green.\nuser:\nWhat colour is the sky?', max_tokens: 50 },
    inputs: {},
    invalid: { config: { deployment: 'chat', connection: 'c', template: 'x' }, field: 'deployment' },
    fixture: async () => ({ context: { model: await loadDefaultModels() }, close: async () => {} }),
  },
  embed: {
    config: { deployment: 'embeddings' },
    inputs: { text: ['one', 'two'] },
    invalid: { config: { deployment: 'embeddings', batch_size: 0 }, field: 'batch_size' },
    fixture: async () => ({ context: { model: await loadDefaultModels() }, close: async () => {} }),
  },
  vector_lookup: {
    config: { index: 'docs', top_k: 2 },
    inputs: { query: 'How long is the warranty?' },
    invalid: { config: { index: 'docs', mode: 'fuzzy' }, field: 'mode' },
    async fixture() {
      const index = await makeTestIndex('docs', { 'warranty.txt': 'Every bicycle carries a five-year warranty on the frame.\n\nWheels are covered for two years.' });
      return { context: { searchIndex: index.searchIndex }, close: () => index.close() };
    },
  },
  metric: {
    config: { metric: 'f1_score', threshold: 0.5 },
    inputs: { answer: 'The cat sat.', ground_truth: 'A cat sat down.' },
    invalid: { config: { metric: 'perplexity' }, field: 'metric' },
  },
  metric_aggregate: {
    config: { threshold: 0.5 },
    inputs: { scores: [1, 0.25, null] },
    invalid: { config: { threshold: 'high' }, field: 'threshold' },
  },
  python: {
    // The sample run starts a python3 worker: it is left out (and named) where python3 is missing.
    group: 'Python tool tests',
    config: { code: 'def add(a: int, b: int = 2) -> int:\n    return a + b\n', function: 'add' },
    inputs: { a: 1 },
    invalid: { config: { code: 'def f():\n    pass\n', function: 'f', memory_mb: 1 }, field: 'memory_mb' },
  },
  http: {
    config: { url: 'ok', connection: 'local' },
    inputs: {},
    invalid: { config: { url: 'https://example.com', method: 'TRACE' }, field: 'method' },
    slow: { config: { url: 'hang', connection: 'local' }, inputs: {} },
    async fixture() {
      let started!: () => void;
      const hung = new Promise<void>((resolve) => (started = resolve));
      const server = await startServer((req, res) => {
        // /hang never answers: only an abort can end the request.
        if (req.url === '/hang') return started();
        sendJson(res, 200, { ok: true });
      });
      return {
        context: {
          connections: {
            local: { type: 'custom', settings: { base_url: server.url, allow_private_network: true }, secrets: {} },
          },
        },
        slowStarted: () => hung,
        close: () => server.close(),
      };
    },
  },
};
