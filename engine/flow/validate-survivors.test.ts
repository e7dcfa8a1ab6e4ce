import { beforeEach, describe, expect, it, vi } from 'vitest';
import { registry } from '../../test/helpers/flows.ts';
import { testRegistry } from '../../test/helpers/test-nodes.ts';
import { flowNode } from '../../nodes/flow.ts';
import { MAX_NESTING } from './nesting.ts';
import { validateFlow } from './validate.ts';
import { parseFlowText } from './yaml-source.ts';

/** Cases around the mutants Stryker left alive in validate.ts (see test/mutation/flow.md). */

// Each check can be made to throw, as a bug in it would: `failing` names the ones that do.
const failing = vi.hoisted(() => {
  const stages = new Set<string>();
  const wrap = <A extends unknown[], R>(stage: string, fn: (...a: A) => R) => (...a: A): R => {
    if (stages.has(stage)) throw new TypeError(`${stage} bug`);
    return fn(...a);
  };
  return { stages, wrap };
});
vi.mock('./analyze.ts', async (orig) => {
  const m = await orig<typeof import('./analyze.ts')>();
  return { ...m, analyzeFlow: failing.wrap('analyze', m.analyzeFlow) };
});
vi.mock('./structure.ts', async (orig) => {
  const m = await orig<typeof import('./structure.ts')>();
  return { ...m, structureProblems: failing.wrap('structure', m.structureProblems) };
});
vi.mock('./graph-checks.ts', async (orig) => {
  const m = await orig<typeof import('./graph-checks.ts')>();
  return { ...m, referenceProblems: failing.wrap('reference', m.referenceProblems) };
});
vi.mock('./cycles.ts', async (orig) => {
  const m = await orig<typeof import('./cycles.ts')>();
  return { ...m, cycleProblems: failing.wrap('cycle', m.cycleProblems) };
});
vi.mock('./reachability.ts', async (orig) => {
  const m = await orig<typeof import('./reachability.ts')>();
  return { ...m, reachabilityProblems: failing.wrap('reachability', m.reachabilityProblems) };
});
vi.mock('./subflow-checks.ts', async (orig) => {
  const m = await orig<typeof import('./subflow-checks.ts')>();
  return { ...m, subflowProblems: failing.wrap('sub-flow', m.subflowProblems) };
});

beforeEach(() => failing.stages.clear());

const withFlows = testRegistry([flowNode]);
const summary = (raw: unknown, reg = registry) => validateFlow(raw, { registry: reg }).problems.map((p) => `${p.code}@${p.node ?? '-'} ${p.path.join('.')}${p.severity ? ` (${p.severity})` : ''}`);
const bug = (what: string, stage: string) => `${what} failed unexpectedly (TypeError: ${stage} bug); this is a bug in Weir or in the node type`;

describe('a check that throws (a bug) becomes a problem, and the other checks still run', () => {
  // Wrong in one way per check: a bad field, an unknown node, a cycle, an unused node, a missing sub-flow.
  const raw = {
    weir: 1, name: 'f', extra: 1, inputs: {}, outputs: { o: '${y.output}', p: '${s.output}' },
    nodes: [
      { name: 'y', type: 'pass', inputs: { value: '${z.output}', w: '${nope.output}' } },
      { name: 'z', type: 'pass', inputs: { value: '${y.output}' } },
      { name: 'u', type: 'pass' },
      { name: 's', type: 'flow', config: { flow: 'missing' } },
    ],
  };
  const all = [
    'unknown_field@- extra',
    'unknown_node_reference@y nodes.0.inputs.w',
    'cycle@y nodes.0',
    'unknown_flow@s nodes.3.config',
    'unused_node@u nodes.2 (warning)',
  ];

  it('without a bug every check reports its problem', () => {
    expect(summary(raw, withFlows)).toEqual(all);
  });

  for (const [stage, code] of [['structure', 'unknown_field'], ['reference', 'unknown_node_reference'], ['cycle', 'cycle'], ['reachability', 'unused_node'], ['sub-flow', 'unknown_flow']]) {
    it(`the ${stage} check`, () => {
      failing.stages.add(stage);
      const v = validateFlow(raw, { registry: withFlows });
      expect(v.ok).toBe(false);
      const failed = v.problems.filter((p) => p.code === 'validation_failed');
      expect(failed).toEqual([{ code: 'validation_failed', message: bug(`the ${stage} check`, stage), path: [] }]);
      // What the other checks found is all still there.
      expect(summary(raw, withFlows).filter((s) => !s.startsWith('validation_failed'))).toEqual(all.filter((s) => !s.startsWith(code)));
    });
  }
});

describe('when reading the nodes throws', () => {
  it('reports it with the structure problems, and an empty analysis that keeps the flow name', () => {
    failing.stages.add('analyze');
    const v = validateFlow({ weir: 1, name: 'f', nodes: 'x' }, { registry });
    expect(v.ok).toBe(false);
    expect(v.problems.map((p) => [p.code, p.path.join('.')])).toEqual([['invalid_field', 'nodes'], ['validation_failed', '']]);
    expect(v.problems[1].message).toBe(bug('reading the nodes', 'analyze'));
    expect(v.analysis).toEqual({ name: 'f', inputs: [], nodes: [], outputs: [], problems: [] });
  });

  it('a name that is not a string, or a document that is not a mapping, gives an empty name', () => {
    failing.stages.add('analyze');
    for (const raw of [{ weir: 1, name: 5, nodes: [] }, null, undefined, 'text', 7]) {
      const v = validateFlow(raw, { registry });
      expect(v.analysis, String(raw)).toEqual({ name: '', inputs: [], nodes: [], outputs: [], problems: [] });
      expect(v.problems.at(-1)?.message).toBe(bug('reading the nodes', 'analyze'));
    }
  });

  it('a structure check that throws too is reported as well', () => {
    failing.stages.add('analyze').add('structure');
    expect(validateFlow({ weir: 1, name: 'f', nodes: [] }, { registry }).problems.map((p) => p.message)).toEqual([
      bug('the structure check', 'structure'),
      bug('reading the nodes', 'analyze'),
    ]);
  });
});

describe('a document past the limits', () => {
  it('gets only the limit problem, however wrong it is otherwise, and an empty analysis', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < MAX_NESTING + 5; i++) deep = [deep];
    const v = validateFlow({ weir: 2, name: 'f', nodes: [{ name: 'a', type: 'nope', config: { deep } }] }, { registry });
    expect(v.problems.map((p) => p.code)).toEqual(['too_deep']);
    expect(v.analysis).toEqual({ name: 'f', inputs: [], nodes: [], outputs: [], problems: [] });
  });
});

describe('the list of problems', () => {
  it('lists a problem found twice at the same place once', () => {
    const raw = { weir: 1, name: 'f', outputs: { o: '${a.output}' }, nodes: [{ name: 'a', type: 'pass', inputs: { value: '${nope.output} and ${nope.output}' } }] };
    expect(summary(raw)).toEqual(['unknown_node_reference@a nodes.0.inputs.value']);
  });

  it('keeps the same problem at two places whose path segments spell the same text', () => {
    const raw = { weir: 1, name: 'f', outputs: { x: { reference: '${a.}' }, xreference: '${a.}' }, nodes: [] };
    expect(summary(raw)).toEqual(['invalid_reference@- outputs.x.reference', 'invalid_reference@- outputs.xreference']);
  });

  it('lists errors by line and then warnings by line, each with its line and column', () => {
    const text = [
      'weir: 1', // 1
      'name: f', // 2
      'outputs:', // 3
      '  o: "${nope.output}"', // 4 unknown_node_reference (found by the reference check)
      '  p: "${c.output}"', // 5
      'nodes:', // 6
      '  - name: a', // 7 unused (warning)
      '    type: pass', // 8
      '  - name: b', // 9 unused (warning)
      '    type: nope', // 10 unknown_node_type (found first, by the analysis)
      '  - name: c', // 11
      '    type: pass', // 12
      '    inputs: { value: "${gone.output}" }', // 13 unknown_node_reference
      '    bad: 1', // 14 unknown_field (found first of all, by the structure check)
    ].join('\n');
    const parsed = parseFlowText(text);
    const v = validateFlow(parsed.value, { registry }, parsed.locate);
    expect(v.problems.map((p) => `${p.code}@${p.line}:${p.col}${p.severity ? ` (${p.severity})` : ''}`)).toEqual([
      'unknown_node_reference@4:6',
      'unknown_node_type@10:11',
      'unknown_node_reference@13:22',
      'unknown_field@14:10',
      'unused_node@7:5 (warning)',
      'unused_node@9:5 (warning)',
    ]);
  });

  it('sorts by the lines the locator gives, whatever order the problems were found in', () => {
    // A locator may place later nodes on earlier lines (here node i is on line 100 - i).
    const raw = { weir: 1, name: 'f', outputs: { o: '${c.output}' }, nodes: [{ name: 'a', type: 'pass' }, { name: 'b', type: 'pass' }, { name: 'c', type: 'nope' }, { name: 'd', type: 'nope' }] };
    const locate = (path: (string | number)[]) => (path[0] === 'nodes' ? { line: 100 - Number(path[1]), col: 1 } : undefined);
    const v = validateFlow(raw, { registry }, locate);
    expect(v.problems.map((p) => `${p.code}@${p.node}:${p.line}`)).toEqual([
      'unknown_node_type@d:97',
      'unknown_node_type@c:98',
      'unused_node@d:97',
      'unused_node@b:99',
      'unused_node@a:100',
    ]);
  });

  it('without a locator no problem gets a line, and the order is the order found, errors first', () => {
    const raw = { weir: 1, name: 'f', outputs: { o: '${nope.output}', p: '${c.output}' }, nodes: [{ name: 'a', type: 'pass' }, { name: 'b', type: 'nope' }, { name: 'c', type: 'pass' }] };
    const v = validateFlow(raw, { registry });
    expect(v.problems.map((p) => [p.code, p.node ?? '-', p.line])).toEqual([
      ['unknown_node_type', 'b', undefined],
      ['unknown_node_reference', '-', undefined],
      ['unused_node', 'a', undefined],
      ['unused_node', 'b', undefined],
    ]);
  });

  const unused = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `u${i}`, type: 'pass' }));

  it('keeps the first 1000 problems, errors before warnings, and says how many more there are', () => {
    // 1001 unused-node warnings are found before the one error (a missing sub-flow), which must still be listed.
    const raw = { weir: 1, name: 'f', outputs: { o: '${s.output}' }, nodes: [...unused(1001), { name: 's', type: 'flow', config: { flow: 'missing' } }] };
    const v = validateFlow(raw, { registry: withFlows });
    expect(v.ok).toBe(false);
    expect(v.problems).toHaveLength(1001);
    expect(v.problems[0]).toMatchObject({ code: 'unknown_flow', node: 's' });
    expect(v.problems.slice(1, 1000).every((p) => p.code === 'unused_node')).toBe(true);
    expect(v.problems[1000]).toEqual({ code: 'too_many_problems', message: '2 more problems are not listed (the first 1,000 are)', path: [] });
  });

  it('past the cap with warnings only, the flow is fine and the note is a warning too', () => {
    const raw = { weir: 1, name: 'f', outputs: { o: '${inputs.q}' }, inputs: { q: {} }, nodes: unused(1003) };
    const v = validateFlow(raw, { registry });
    expect(v.ok).toBe(true);
    expect(v.problems).toHaveLength(1001);
    expect(v.problems.at(-1)).toEqual({ code: 'too_many_problems', severity: 'warning', message: '3 more problems are not listed (the first 1,000 are)', path: [] });
  });

  it('places only the problems it keeps', () => {
    const raw = { weir: 1, name: 'f', outputs: { o: '${inputs.q}' }, inputs: { q: {} }, nodes: unused(1003) };
    const locate = vi.fn((path: (string | number)[]) => ({ line: Number(path[1]) + 1, col: 1 }));
    const v = validateFlow(raw, { registry }, locate);
    expect(locate).toHaveBeenCalledTimes(1000);
    expect(v.problems[999]).toMatchObject({ node: 'u999', line: 1000 });
  });
});
