import { describe, expect, it } from 'vitest';
import { blocks, DEFAULT_POLICY, filteredParts, verdict, type SafetyPolicy } from './policy.ts';
import { safeClassification, type Classification } from './types.ts';

const classification = (over: Partial<Classification['categories']>, jailbreak = false, blocklist: Classification['blocklist'] = []): Classification => ({
  categories: { ...safeClassification().categories, ...over }, jailbreak, blocklist,
});

describe('verdict: Azure OpenAI content_filter_results', () => {
  it('an unfiltered prompt, exactly as Azure writes it', () => {
    const v = verdict(DEFAULT_POLICY, 'prompt', classification({ violence: 'low' }));
    expect(v.filtered).toBe(false);
    expect(JSON.stringify(v.results)).toBe(JSON.stringify({
      hate: { filtered: false, severity: 'safe' },
      jailbreak: { filtered: false, detected: false },
      self_harm: { filtered: false, severity: 'safe' },
      sexual: { filtered: false, severity: 'safe' },
      violence: { filtered: false, severity: 'low' },
    }));
  });

  it('a filtered completion with blocklists: no jailbreak key, one detail per list named by the policy', () => {
    const policy: SafetyPolicy = { ...DEFAULT_POLICY, blocklists: ['brands', 'codes'] };
    const v = verdict(policy, 'completion', classification({ hate: 'high', sexual: 'medium' }, true, [{ name: 'codes', id: 'item-7' }]));
    expect(v.filtered).toBe(true);
    expect(JSON.stringify(v.results)).toBe(JSON.stringify({
      custom_blocklists: { filtered: true, details: [{ filtered: false, id: 'brands' }, { filtered: true, id: 'codes' }] },
      hate: { filtered: true, severity: 'high' },
      self_harm: { filtered: false, severity: 'safe' },
      sexual: { filtered: true, severity: 'medium' },
      violence: { filtered: false, severity: 'safe' },
    }));
    expect(filteredParts(v)).toEqual(['hate', 'sexual', 'custom_blocklists']);
  });

  it('a detected jailbreak is filtered on prompts when the policy says so, and annotated otherwise', () => {
    expect(verdict(DEFAULT_POLICY, 'prompt', classification({}, true)).results.jailbreak).toEqual({ filtered: true, detected: true });
    const off = verdict({ ...DEFAULT_POLICY, jailbreak: false }, 'prompt', classification({}, true));
    expect(off).toMatchObject({ filtered: false, results: { jailbreak: { filtered: false, detected: true } } });
  });
});

describe('thresholds', () => {
  it('block at the threshold and above; off blocks nothing; safe is never blocked', () => {
    expect(blocks('low', 'low')).toBe(true);
    expect(blocks('low', 'safe')).toBe(false);
    expect(blocks('medium', 'low')).toBe(false);
    expect(blocks('medium', 'medium')).toBe(true);
    expect(blocks('high', 'medium')).toBe(false);
    expect(blocks('high', 'high')).toBe(true);
    expect(blocks('off', 'high')).toBe(false);
  });

  it('apply per role and per category', () => {
    const policy: SafetyPolicy = {
      ...DEFAULT_POLICY,
      prompt: { ...DEFAULT_POLICY.prompt, violence: 'low', hate: 'off' },
      completion: { ...DEFAULT_POLICY.completion, violence: 'high' },
    };
    const c = classification({ violence: 'low', hate: 'high' });
    expect(verdict(policy, 'prompt', c).results.violence.filtered).toBe(true);
    expect(verdict(policy, 'prompt', c).results.hate.filtered).toBe(false);
    expect(verdict(policy, 'completion', c).results.violence.filtered).toBe(false);
    expect(verdict(policy, 'completion', c).results.hate.filtered).toBe(true);
  });

  it('the default policy is Azure default: medium both ways, jailbreak on, frozen', () => {
    for (const role of ['prompt', 'completion'] as const) expect(Object.values(DEFAULT_POLICY[role])).toEqual(['medium', 'medium', 'medium', 'medium']);
    expect(DEFAULT_POLICY.jailbreak).toBe(true);
    expect(Object.isFrozen(DEFAULT_POLICY.prompt)).toBe(true);
  });
});
