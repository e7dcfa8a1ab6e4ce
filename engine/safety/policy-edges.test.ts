/** A policy's verdict when one thing alone filters, and the parts a refusal names. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, filteredParts, verdict, type SafetyPolicy } from './policy.ts';
import type { Classification } from './types.ts';

const clean = (over: Partial<Classification> = {}): Classification => ({ categories: { hate: 'safe', sexual: 'safe', violence: 'safe', self_harm: 'safe' }, jailbreak: false, blocklist: [], ...over });
const policy = (over: Partial<SafetyPolicy> = {}): SafetyPolicy => ({ ...DEFAULT_POLICY, blocklists: [], ...over });

describe('a verdict filtered by one thing alone', () => {
  it('a blocklist hit with every category safe filters, and is the only part named', () => {
    const v = verdict(policy({ blocklists: ['b'] }), 'completion', clean({ blocklist: [{ name: 'b', id: 'x' }] }));
    expect(v.filtered).toBe(true);
    expect(filteredParts(v)).toEqual(['custom_blocklists']);
  });

  it('a prompt attack alone filters a prompt, and is the only part named; not a completion', () => {
    const v = verdict(policy(), 'prompt', clean({ jailbreak: true }));
    expect(v.filtered).toBe(true);
    expect(filteredParts(v)).toEqual(['jailbreak']);
    expect(verdict(policy(), 'completion', clean({ jailbreak: true })).filtered).toBe(false);
  });

  it('names nothing for a clean verdict without blocklists, and each filtered category in order', () => {
    expect(filteredParts(verdict(policy(), 'prompt', clean()))).toEqual([]);
    const v = verdict(policy(), 'prompt', clean({ categories: { hate: 'high', sexual: 'safe', violence: 'medium', self_harm: 'low' } }));
    expect(filteredParts(v)).toEqual(['hate', 'violence']);
  });
});
