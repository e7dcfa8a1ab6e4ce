import { describe, expect, it } from 'vitest';
import type { NodeTypeInfo } from '../api/types.ts';
import { nodeView } from './ports.ts';

const python: NodeTypeInfo = {
  type: 'python', title: 'Python', category: 'code', inputs: {}, required_inputs: [], extra_inputs: {}, output: {}, config: {}, streams: true, accepts_skipped_inputs: true,
};
const signature = {
  function: 'f', kwargs: false, returns: 'int', generator: false, imports: [],
  params: [{ name: 'text', type: 'string', has_default: false }, { name: 'k', type: 'int', has_default: true, default: 2 }],
};

describe('a python node on the canvas: its ports come from its signature', () => {
  it('params are typed inputs (required without a default), the return type is the output, no + without **kwargs', () => {
    const view = nodeView({ name: 't', type: 'python', inputs: {}, config: { code: 'x', function: 'f', signature } }, python);
    expect(view.inputs.map((p) => [p.name, p.tag, !!p.required])).toEqual([['text', 'string', true], ['k', 'integer', false]]);
    expect(view.outputs.map((p) => p.tag)).toEqual(['integer']);
    expect(view.acceptsNew).toBe(false);
    const kw = nodeView({ name: 't', type: 'python', inputs: { extra: 'x' }, config: { signature: { ...signature, kwargs: true } } }, python);
    expect(kw.acceptsNew).toBe(true);
    expect(kw.inputs.map((p) => p.name)).toEqual(['text', 'k', 'extra']);
  });

  it('without a signature (or with one that is not a signature) the type decides: any inputs', () => {
    const junk = nodeView({ name: 't', type: 'python', inputs: {}, config: { signature: { ...signature, params: [null, 7, { name: 'ok', type: 'bool', has_default: false }] } } }, python);
    expect(junk.inputs.map((p) => [p.name, p.tag])).toEqual([['ok', 'boolean']]);
    for (const config of [{}, { signature: 'nonsense' }, { signature: { params: 'x' } }]) {
      const view = nodeView({ name: 't', type: 'python', inputs: { a: 'x' }, config }, python);
      expect([view.acceptsNew, view.inputs.map((p) => p.name)]).toEqual([true, ['a']]);
    }
  });
});
