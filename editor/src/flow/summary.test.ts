import { describe, expect, it } from 'vitest';
import { configSummary } from './summary.ts';

describe('configSummary', () => {
  it('leads with the deployment, then how the template starts (skipping its role line)', () => {
    expect(configSummary('llm', { template: 'system:\nAnswer the question using only the numbered sources below.\nuser:\n{{ q }}', deployment: 'chat', max_tokens: 400 }))
      .toBe('chat · Answer the question using only the numbered sou… · max_tokens 400');
  });

  it('names the index a lookup searches', () => {
    expect(configSummary('vector_lookup', { top_k: 4, index: 'docs', mode: 'hybrid' })).toBe('docs · hybrid · top_k 4');
  });

  it('summarises a type it has no hint for from its config, names first', () => {
    expect(configSummary('mystery', { threshold: 0.5, connection: 'crm', nested: { a: 1 } })).toBe('crm · threshold 0.5');
  });

  it('says nothing for an empty config', () => {
    expect(configSummary('prompt', undefined)).toBe('');
    expect(configSummary('prompt', { template: '' })).toBe('');
  });
});
