import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFlowText, quoteFlowReferences, writeFlowYaml } from './yaml-source.ts';
import { writeFlowYamlInto } from './yaml-write.ts';

const fixture = (name: string): string => readFileSync(new URL(`../../test/fixtures/yaml/${name}`, import.meta.url), 'utf8');
const lineCount = (s: string): number => s.split('\n').length;
const parsed = (text: string, fileName?: string) => {
  const p = parseFlowText(text, fileName);
  expect(p.problems).toEqual([]);
  return p;
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Flow = any;

describe('parseFlowText', () => {
  it('reads the DESIGN.md example, references as strings', () => {
    expect(parsed(fixture('chat-with-data.flow.yaml')).value).toEqual({
      weir: 1,
      name: 'chat-with-data',
      inputs: { question: { type: 'string' }, chat_history: { type: 'chat_history', default: [] } },
      outputs: { answer: '${answer.output}', citations: '${retrieve.output.citations}' },
      nodes: [
        { name: 'retrieve', type: 'vector_lookup', inputs: { query: '${inputs.question}' }, config: { index: 'product-docs', top_k: 4 } },
        {
          name: 'answer',
          type: 'llm',
          inputs: { question: '${inputs.question}', context: '${retrieve.output.chunks}' },
          config: { deployment: 'chat', template: 'prompts/answer.jinja2', max_tokens: 400 },
          activate: { when: '${retrieve.output.found}', is: true },
        },
      ],
      layout: { retrieve: [0, 0], answer: [260, 0] },
    });
  });

  it('quotes mixed text and escapes quotes and backslashes', () => {
    const text = 'a: { greet: Hello ${inputs.name}!, two: ${x.a}-${y.b}, odd: say "hi" \\ ${z} it\'s, n: 3 }\n';
    expect(parsed(text).value).toEqual({ a: { greet: 'Hello ${inputs.name}!', two: '${x.a}-${y.b}', odd: 'say "hi" \\ ${z} it\'s', n: 3 } });
  });

  it('quotes references in nested flow collections spanning lines', () => {
    const text = [
      'inputs: {',
      '  list: [${a.output}, [${b.output}, x],   # a comment ${not.touched}',
      '    { deep: ${c.output}, url: http://h/${d.output} }],',
      '  text: first ${a.output}',
      '    second line,',
      '  "quoted": "${e.output}", \'single\': \'{ ${f} }\'',
      '}',
      'after: ${g.output} # ${h}',
      '',
    ].join('\n');
    const quoted = quoteFlowReferences(text);
    expect(lineCount(quoted)).toBe(lineCount(text));
    expect(quoted.split('\n')[1]).toBe('  list: ["${a.output}", ["${b.output}", x],   # a comment ${not.touched}');
    expect(quoted.split('\n').slice(5)).toEqual(text.split('\n').slice(5));
    expect(parsed(text).value).toEqual({
      inputs: {
        list: ['${a.output}', ['${b.output}', 'x'], { deep: '${c.output}', url: 'http://h/${d.output}' }],
        text: 'first ${a.output} second line',
        quoted: '${e.output}',
        single: '{ ${f} }',
      },
      after: '${g.output}',
    });
  });

  it('leaves block scalars, comments, quoted strings, block plain scalars and JSON untouched', () => {
    const text = [
      '# { a: ${top} }',
      'plain: ${x.output}',
      'mixed: see { ${y} } here # { ${z} }',
      'single: \'{ a: ${x} }\'',
      'double: "[${x}, ${y}]"',
      'prompt: |',
      '  { a: ${inputs.q} }',
      '',
      '  [${more}]',
      'folded: >-',
      '    { ${x} }',
      'list:',
      '  - |2',
      '     { ${x} }',
      '  - text',
      '    continued { ${x} }',
      'last: "multi',
      '  { ${line} }"',
      '',
    ].join('\n');
    expect(quoteFlowReferences(text)).toBe(text);
    expect(parsed(text).value).toMatchObject({ prompt: '{ a: ${inputs.q} }\n\n[${more}]\n', folded: '{ ${x} }' });
    const json = '{\n  "a": "${x.output}",\n\t"b": [1, {"c": "${y}"}]\n}\n';
    expect(quoteFlowReferences(json)).toBe(json);
    expect(parsed(json).value).toEqual(parsed(json, 'flow.json').value);
    const p = parsed(json, 'flow.json');
    expect(p.value).toEqual({ a: '${x.output}', b: [1, { c: '${y}' }] });
    expect(p.locate(['b', 1, 'c'])).toEqual({ line: 3, col: 17 });
  });

  it('keeps line numbers: a syntax error after quoted references is reported on its own line and column', () => {
    const text = 'a: { x: ${n.o}, y: [${p.q},\n  ${r.s}] }\nb: { c: ${d.e} }\nc: { k: ${a.b}, v: @bad }\nd: 1\n';
    expect(lineCount(quoteFlowReferences(text))).toBe(lineCount(text));
    const { problems, value } = parseFlowText(text);
    expect(value).toBeUndefined();
    expect(problems[0]).toMatchObject({ code: 'yaml_syntax', path: [], line: 4, col: 20 });
  });

  it('reports a syntax error with its line and column', () => {
    const { problems } = parseFlowText('weir: 1\nname: x\nnodes:\n  - name: a\n   bad: [1, 2\n');
    expect(problems[0]).toMatchObject({ code: 'yaml_syntax', path: [] });
    expect(problems[0].line).toBeGreaterThanOrEqual(5);
    expect(problems[0].col).toBeGreaterThanOrEqual(1);
  });

  it('makes a duplicate key an error', () => {
    const { problems, value } = parseFlowText('weir: 1\nname: a\nnodes: []\nname: b\n');
    expect(value).toBeUndefined();
    expect(problems).toEqual([{ code: 'yaml_syntax', message: 'duplicate key "name"', path: [], line: 4, col: 1 }]);
  });

  it('reports an empty file and a top level that is not a mapping', () => {
    expect(parseFlowText('  \n# only a comment\n').problems).toMatchObject([{ code: 'empty_file', line: 1 }]);
    expect(parseFlowText('\n- a\n- b\n').problems).toMatchObject([{ code: 'not_a_mapping', line: 2, col: 1 }]);
  });

  it('locates nodes by path', () => {
    const text = [
      'weir: 1',
      'nodes:',
      '  - name: a',
      '    config: { top_k: 2 }',
      '  - name: b',
      '    inputs: { q: ${inputs.question}, r: ${a.output} }',
      '    config:',
      '      top_k: 4',
      '      empty:',
      '',
    ].join('\n');
    const p = parsed(text);
    expect(p.locate([])).toEqual({ line: 1, col: 1 });
    expect(p.locate(['nodes', 1, 'config', 'top_k'])).toEqual({ line: 8, col: 14 });
    expect(p.locate(['nodes', 0, 'config', 'top_k'])).toEqual({ line: 4, col: 22 });
    expect(p.locate(['nodes', 1, 'inputs', 'r'])).toEqual({ line: 6, col: 41 });
    expect(p.locate(['nodes', 1, 'config', 'empty'])).toEqual({ line: 9, col: 7 });
    expect(p.locate(['nodes', 1, 'config', 'top_k', 'deeper'])).toEqual({ line: 8, col: 14 });
    expect(p.locate(['nodes', 5, 'config'])).toEqual({ line: 3, col: 3 });
    expect(p.locate(['nodes', '1', 'name'])).toEqual({ line: 5, col: 11 });
  });
});

describe('writeFlowYaml with the source document', () => {
  const source = fixture('commented.flow.yaml');
  const edit = (change: (v: Flow) => void): { text: string; value: Flow } => {
    const p = parsed(source);
    const value = structuredClone(p.value) as Flow;
    change(value);
    const text = writeFlowYaml(value, p.doc);
    expect(parsed(text).value).toEqual(value);
    return { text, value };
  };
  const keepsComments = (text: string, except: string[] = []): void => {
    const all = ['# Support bot', '# shown in the catalog', '# find the chunks', '# more chunks cost tokens', '# write the answer', '# keep answers short', '# tidy the citations', '# JSONata'];
    for (const c of all) if (!except.includes(c)) expect(text).toContain(c);
  };

  it('keeps comments when another node config changes', () => {
    const { text } = edit((v) => {
      v.nodes[1].config.max_tokens = 800;
    });
    keepsComments(text);
    expect(text).toContain('  # find the chunks that match the question\n  - name: retrieve\n');
    expect(text).toContain('    config: { deployment: chat, max_tokens: 800 } # keep answers short\n');
    expect(text).toContain('      top_k: 4 # more chunks cost tokens\n');
    expect(text).toContain("expression: 'chunks.source'");
    expect(text).toContain('inputs: { query: "${inputs.question}" }');
  });

  it('keeps comments when a node is added, removed or the nodes are reordered', () => {
    const added = edit((v) => {
      v.nodes.push({ name: 'log', type: 'http', inputs: { body: '${answer.output}' } });
      v.layout.log = [780, 0];
    }).text;
    keepsComments(added);
    expect(added).toContain('  - name: log\n    type: http\n    inputs:\n      body: ${answer.output}\n');
    expect(added).toContain('  log: [780, 0]');

    const removed = edit((v) => {
      v.nodes.splice(0, 1);
      delete v.layout.retrieve;
    }).text;
    keepsComments(removed, ['# find the chunks', '# more chunks cost tokens']);
    expect(removed).not.toContain('name: retrieve');
    expect(removed).toMatch(/nodes:\n {2}# write the answer\n {2}- name: answer\n/);

    const reordered = edit((v) => {
      v.nodes.reverse();
    }).text;
    keepsComments(reordered);
    expect(reordered).toMatch(/# tidy the citations\n {2}- name: cite[\s\S]*# write the answer\n {2}- name: answer[\s\S]*# find the chunks that match the question\n {2}- name: retrieve/);
  });

  it('keeps key order of existing keys, appends new ones and deletes removed ones', () => {
    const { text } = edit((v) => {
      const { nodes, name, weir, layout } = v;
      for (const k of Object.keys(v)) delete v[k];
      Object.assign(v, { layout, nodes, description: 'new', name, weir });
      delete v.nodes[0].config.index;
    });
    const keys = text.split('\n').filter((l) => /^\w/.test(l)).map((l) => l.split(':')[0]);
    expect(keys).toEqual(['weir', 'name', 'nodes', 'layout', 'description']);
    expect(text).not.toContain('index:');
    expect(text.startsWith('# Support bot: answers from the product docs.\n')).toBe(true);
  });

  it('writes a collection that was empty in flow style ([] / {}) in block style once it is filled', () => {
    const src = 'weir: 1\nname: x # the name\noutputs: {}\nnodes: []\n';
    const p = parsed(src);
    const value = { weir: 1, name: 'x', outputs: { a: '${n.output}' }, nodes: [{ name: 'n', type: 'prompt', inputs: { q: '${inputs.q}' }, config: { template: 'Hi' } }] };
    const text = writeFlowYaml(value, p.doc);
    expect(parsed(text).value).toEqual(value);
    expect(text).toContain('# the name');
    expect(text).toContain('nodes:\n  - name: n\n');
    expect(text).toContain('outputs:\n  a: ${n.output}\n');
    // inside a flow collection, an empty one that fills stays flow
    const inner = writeFlowYaml({ weir: 1, name: 'x', nodes: [{ name: 'n', type: 'p', config: { a: { b: 1 } } }] }, parsed('weir: 1\nname: x\nnodes: [ { name: n, type: p, config: { a: {} } } ]\n').doc);
    expect(inner).toContain('config: { a: { b: 1 } }');
  });

  it('writes layout one line per node', () => {
    const { text } = edit(() => {});
    expect(text).toContain('layout:\n  retrieve: [0, 0]\n  answer: [260, 0]\n  cite: [520, 0]\n');
  });
});

describe('writeFlowYaml without a document', () => {
  it('writes block style with flow-style layout entries', () => {
    const value = parsed(fixture('chat-with-data.flow.yaml')).value as Flow;
    const text = writeFlowYaml(value);
    expect(text).toContain('nodes:\n  - name: retrieve\n    type: vector_lookup\n    inputs:\n      query: ${inputs.question}\n');
    expect(text).toContain('layout:\n  retrieve: [0, 0]\n  answer: [260, 0]\n');
    expect(text).not.toMatch(/: \{/);
    expect(parsed(text).value).toEqual(value);
  });
});

// ---- round trip on generated flows --------------------------------------------------------------

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const PIECES = ['${a.output}', '${inputs.q}', 'word', ' ', '  ', '{', '}', '[', ']', ',', ':', ': ', ' #', '#', '"', "'", '\\', '\n', '\n\n', '\t', '-', '- ', '? ', '|', '>', 'true', '12', '0x1F', 'null', '~', '%', '@', '*a', '&a', '!t', 'é', '---', '...', 'http://x/y'];

function gen(rnd: () => number) {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const str = (): string => Array.from({ length: Math.floor(rnd() * 5) }, () => pick(PIECES)).join('');
  const scalar = (): unknown => pick<() => unknown>([str, str, str, () => Math.floor(rnd() * 2000) - 1000, () => rnd() * 10, () => rnd() < 0.5, () => null])();
  const val = (d: number): unknown => {
    const r = rnd();
    if (d > 2 || r < 0.6) return scalar();
    if (r < 0.8) return Array.from({ length: Math.floor(rnd() * 4) }, () => val(d + 1));
    return obj(d + 1);
  };
  const obj = (d: number): Record<string, unknown> => Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, () => [str() || 'k', val(d)]));
  const node = (i: number) => ({ name: `n${i}`, type: pick(['llm', 'http']), inputs: obj(1), config: obj(1) });
  return { str, val, obj, node, pick };
}

describe('round trip: parseFlowText(writeFlowYaml(v, doc)).value deep-equals v', () => {
  it('holds for generated flows, without and with a source document', () => {
    const rnd = random(42);
    const g = gen(rnd);
    for (let round = 0; round < 150; round++) {
      const nodes = Array.from({ length: 1 + Math.floor(rnd() * 4) }, (_, i) => g.node(i));
      const flow: Flow = { weir: 1, name: g.str(), inputs: g.obj(0), outputs: { out: '${n0.output}', text: g.str() }, nodes, layout: Object.fromEntries(nodes.map((n, i) => [n.name, [i * 260, 0]])) };
      const clean = writeFlowYaml(flow);
      const back = parseFlowText(clean);
      expect(back.problems, clean).toEqual([]);
      expect(back.value, clean).toEqual(flow);

      // Edit the re-read flow and write it back into its own document.
      const next: Flow = structuredClone(back.value);
      next.nodes[0].config = g.obj(0);
      next.nodes.push(g.node(9));
      if (rnd() < 0.5) next.nodes.reverse();
      if (rnd() < 0.5) next.nodes.splice(1, 1);
      next.name = g.val(0);
      const inPlace = writeFlowYamlInto(next, back.doc!); // the in-place path alone, no clean fallback
      expect(parseFlowText(inPlace).value, inPlace).toEqual(next);
      const again = writeFlowYaml(next, back.doc);
      expect(parseFlowText(again).value, again).toEqual(next);
    }
  });

  it('holds for edits of the commented example, which keeps its comments', () => {
    const rnd = random(7);
    const g = gen(rnd);
    for (let round = 0; round < 100; round++) {
      const p = parsed(fixture('commented.flow.yaml'));
      const v: Flow = structuredClone(p.value);
      v.nodes[1].config[g.str() || 'x'] = g.val(0);
      v.nodes[0].inputs.query = g.str();
      if (rnd() < 0.3) v.nodes.push(g.node(5));
      if (rnd() < 0.3) v.nodes.reverse();
      const text = writeFlowYaml(v, p.doc);
      expect(parseFlowText(text).value, text).toEqual(v);
      expect(text).toContain('# keep answers short');
    }
  });

  it('quotes long pathological input in one pass without changing line count', () => {
    const text = `a: [${'${x} {${'.repeat(20000)}\n  ${'${y}, '.repeat(20000)}]\n${'b: \'${\n'.repeat(1000)}`;
    expect(lineCount(quoteFlowReferences(text))).toBe(lineCount(text));
  });
});
