import { describe, expect, it } from 'vitest';
import { catalogQuery } from './catalog-filters.ts';
import { formatBytes, formatContext, formatParams, formatPrice, suggestName } from './model-format.ts';
import type { ModelInfo } from './model-types.ts';
import { historyFor, type ChatTurn } from './playground-store.ts';
import { numberParam } from './use-chat.ts';

const model = (over: Partial<ModelInfo>): ModelInfo => ({
  id: 'm', name: 'M', publisher: 'p', task: 'chat-completion', provider: 'llama-cpp', format: 'gguf', license: 'MIT',
  parameters: null, context_length: null, file_size_bytes: null, source: { kind: 'local', path: '/m' }, price: null,
  dimensions: null, description: '', labels: [], supports: { tools: true, structured_output: true }, local: true, availability: 'local', available: true, download_bytes: null, pull: null, ...over,
});

describe('model formatting', () => {
  it('names sizes as model cards do', () => {
    expect(formatParams(135e6)).toBe('135M');
    expect(formatParams(1.71e9)).toBe('1.71B');
    expect(formatParams(null)).toBe('—');
    expect(formatBytes(1.06e9)).toBe('1.06 GB');
    expect(formatBytes(105e6)).toBe('105 MB');
    expect(formatContext(131072)).toBe('128K');
    expect(formatContext(2000)).toBe('2,000');
  });

  it('prices remote models per 1K tokens and calls local ones free', () => {
    expect(formatPrice(model({ local: false, format: 'remote', price: { input_per_1k: 0.00015, output_per_1k: 0.0006, per_hour: null } }))).toBe('$0.00015 in / $0.0006 out per 1K tokens');
    expect(formatPrice(model({}))).toBe('free (local)');
  });

  it('suggests a free, valid deployment name', () => {
    expect(suggestName(model({ id: 'Qwen2.5 0.5B' }), new Set())).toBe('qwen2-5-0-5b');
    expect(suggestName(model({ labels: ['default-chat'] }), new Set(['chat', 'chat-2']))).toBe('chat-3');
  });
});

describe('catalog query', () => {
  it('leaves out empty filters', () => {
    expect(catalogQuery({ q: ' ', task: '', license: '', provider: '', localOnly: false })).toBe('');
    expect(catalogQuery({ q: 'llama 3', task: 'chat-completion', license: 'MIT', provider: '', localOnly: true })).toBe('?q=llama+3&task=chat-completion&license=MIT&local=true');
  });
});

describe('playground history', () => {
  it('sends the system message and answered turns, dropping a failed exchange', () => {
    const turns: ChatTurn[] = [
      { id: 1, role: 'user', content: 'a' },
      { id: 2, role: 'assistant', content: 'A', status: 'done' },
      { id: 3, role: 'user', content: 'b' },
      { id: 4, role: 'assistant', content: '', status: 'error', error: 'x' },
    ];
    expect(historyFor('ctx', turns)).toEqual([
      { role: 'system', content: 'ctx' }, { role: 'user', content: 'a' }, { role: 'assistant', content: 'A' },
    ]);
    expect(historyFor('  ', [])).toEqual([]);
  });

  it('reads optional numeric parameters', () => {
    expect(numberParam('', 0, 2, false)).toBeUndefined();
    expect(numberParam('0.7', 0, 2, false)).toBe(0.7);
    expect(numberParam('3', 0, 2, false)).toMatch(/from 0 to 2/);
    expect(numberParam('1.5', 1, 10, true)).toMatch(/whole number/);
  });
});
