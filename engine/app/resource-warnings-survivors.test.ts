import { describe, expect, it } from 'vitest';
import { validateFlow } from '../flow/validate.ts';
import { NodeRegistry } from '../registry.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { resourceUses, resourceWarnings } from './resource-warnings.ts';

/**
 * Cases around the mutants Stryker left alive in resource-warnings.ts (see test/mutation/web-apps.md):
 * which config fields count as naming a server resource, and the words of each warning.
 */

const registry = new NodeRegistry(builtinNodes);
const usesIn = (nodes: unknown[]) => resourceUses(validateFlow({ weir: 1, name: 'f', inputs: { q: { type: 'string' } }, outputs: { a: '${n0.output}' }, nodes }, { registry }).analysis);

describe('resourceUses', () => {
  it('lists only the fields marked as naming a deployment, an index or a connection, with their config path', () => {
    const uses = usesIn([
      { name: 'n0', type: 'llm', inputs: { q: '${inputs.q}' }, config: { deployment: 'chat', prompt: 'Answer {{q}}', temperature: 0.2 } },
      { name: 'n1', type: 'vector_lookup', inputs: { query: '${inputs.q}' }, config: { index: 'handbook', top_k: 3 } },
      { name: 'n2', type: 'http', inputs: { q: '${inputs.q}' }, config: { url: '/search', connection: 'wiki' } },
    ]);
    expect(uses).toEqual([
      { kind: 'deployment', name: 'chat', node: 'n0', path: ['nodes', 0, 'config', 'deployment'] },
      { kind: 'index', name: 'handbook', node: 'n1', path: ['nodes', 1, 'config', 'index'] },
      { kind: 'connection', name: 'wiki', node: 'n2', path: ['nodes', 2, 'config', 'connection'] },
    ]);
  });

  it('finds nothing in a flow that names nothing, so nothing is looked up', () => {
    expect(usesIn([{ name: 'n0', type: 'transform', inputs: { q: '${inputs.q}' }, config: { expression: 'q' } }])).toEqual([]);
  });

  it('skips, without failing, a node of an unknown type, one without config, and a config that is not a mapping', () => {
    expect(usesIn([
      { name: 'n0', type: 'no_such_type', config: { deployment: 'chat' } },
      { name: 'n1', type: 'llm', inputs: { q: '${inputs.q}' } },
      { name: 'n2', type: 'llm', inputs: { q: '${inputs.q}' }, config: null },
      { name: 'n3', type: 'llm', inputs: { q: '${inputs.q}' }, config: ['chat'] },
    ])).toEqual([]);
  });

  it('takes only a non-empty string as a name', () => {
    expect(usesIn([
      { name: 'n0', type: 'llm', inputs: { q: '${inputs.q}' }, config: { deployment: 42, prompt: 'p' } },
      { name: 'n1', type: 'llm', inputs: { q: '${inputs.q}' }, config: { deployment: '', prompt: 'p' } },
      { name: 'n2', type: 'llm', inputs: { q: '${inputs.q}' }, config: { deployment: { name: 'chat' }, prompt: 'p' } },
    ])).toEqual([]);
  });
});

describe('resourceWarnings', () => {
  it('says in each warning which node names what, and how to make it exist', () => {
    const uses = usesIn([
      { name: 'n0', type: 'llm', inputs: { q: '${inputs.q}' }, config: { deployment: 'chat', prompt: 'p' } },
      { name: 'n1', type: 'vector_lookup', inputs: { query: '${inputs.q}' }, config: { index: 'handbook' } },
      { name: 'n2', type: 'http', inputs: { q: '${inputs.q}' }, config: { url: '/search', connection: 'wiki' } },
    ]);
    const none = new Set<string>();
    expect(resourceWarnings(uses, { deployment: none, index: none, connection: none }).map((w) => [w.code, w.message])).toEqual([
      ['unknown_deployment', 'node "n0": deployment "chat" does not exist on this server: deploy a model under this name (Models, or POST /api/deployments) or pick another'],
      ['unknown_index', 'node "n1": data index "handbook" does not exist on this server: add your data under this name (Data, or POST /api/indexes) or pick another'],
      ['connection_not_found', 'node "n2": connection "wiki" does not exist on this server: create it (PUT /api/connections/{name}) or pick another'],
    ]);
  });
});
