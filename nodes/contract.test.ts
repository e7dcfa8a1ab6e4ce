import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import type { AnyNodeDefinition } from '../engine/node-definition.ts';
import { contractCases, type Fixture } from '../test/helpers/nodes/contract-cases.ts';
import { builtinNodes } from './index.ts';
import { makeContext, runNode } from '../test/helpers/nodes/test-context.ts';
import { missingGroups, requireAll } from '../test/setup/requirements.ts';

/** The one suite every node type passes (like hono's router/common.case.test.ts). */

const PROMPTLY_MS = 2_000;

/** Fails if the promise has not settled in time; a liveness check, not a performance figure. */
function settleWithin<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function looksLikeNode(x: unknown): x is AnyNodeDefinition {
  const d = x as Partial<AnyNodeDefinition> | null;
  return !!d && typeof d === 'object' && typeof d.type === 'string' && typeof d.run === 'function' && !!d.config;
}

describe('node registry', () => {
  test('every node type has a contract case, and every case a node type', () => {
    const types = builtinNodes.map((d) => d.type).sort();
    expect(Object.keys(contractCases).sort()).toEqual(types);
  });

  test('type names are unique and lower-case kebab/snake', () => {
    const types = builtinNodes.map((d) => d.type);
    expect(new Set(types).size).toBe(types.length);
    for (const t of types) expect(t).toMatch(/^[a-z][a-z0-9]*([_-][a-z0-9]+)*$/);
  });

  test('every node definition exported from a file in nodes/ is registered in builtinNodes', async () => {
    const dir = fileURLToPath(new URL('.', import.meta.url));
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    for (const f of files) {
      const mod = (await import(new URL(f, import.meta.url).href)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (looksLikeNode(value)) expect(builtinNodes, `${f}: ${name} is not in builtinNodes`).toContain(value);
      }
    }
  });
});

describe.each(builtinNodes.map((def) => ({ type: def.type, def })))('node type $type', ({ type, def }) => {
  const c = contractCases[type];
  let fx: Fixture | undefined;

  beforeAll(async () => {
    fx = await c?.fixture?.();
  });
  afterAll(async () => {
    await fx?.close();
  });

  test('has a contract case', () => {
    expect(c, `add a case for "${type}" to nodes/contract-cases.ts`).toBeDefined();
  });

  test('title, category and description are filled in', () => {
    for (const field of ['title', 'category', 'description'] as const) expect(def[field].trim()).not.toBe('');
  });

  test('config schema converts to an object JSON Schema whose fields are described', () => {
    const schema = z.toJSONSchema(def.config, { io: 'input' }) as { type?: string; properties?: Record<string, { description?: string }> };
    expect(schema.type).toBe('object');
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      expect(prop.description, `config.${key} needs .describe() for the editor form`).toBeTruthy();
    }
  });

  test('the valid config parses and survives a JSON round trip unchanged', () => {
    const parsed = def.config.parse(c.config);
    expect(def.config.parse(parsed)).toEqual(parsed);
    expect(def.config.parse(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
  });

  test('the invalid config is rejected with an issue naming the field', () => {
    const result = def.config.safeParse(c.invalid.config);
    expect(result.success).toBe(false);
    const issues: z.core.$ZodIssue[] = result.error?.issues ?? [];
    const named = issues.some(
      (i) => i.path[0] === c.invalid.field || (i.code === 'unrecognized_keys' && i.keys.includes(c.invalid.field)),
    );
    expect(named, JSON.stringify(issues)).toBe(true);
  });

  test('input and output schemas convert to JSON Schema', () => {
    expect(() => z.toJSONSchema(z.object(def.inputs))).not.toThrow();
    if (def.extraInputs) expect(() => z.toJSONSchema(def.extraInputs!)).not.toThrow();
    expect(() => z.toJSONSchema(def.output)).not.toThrow();
  });

  const groupMissing = !!c?.group && !requireAll() && missingGroups().some((g) => g.name === c.group);
  test.skipIf(groupMissing)('a sample run resolves to an output matching the output schema', async () => {
    const out = await runNode(def, c.config, c.inputs, makeContext(fx?.context));
    expect(def.output.safeParse(out).success).toBe(true);
  });

  test('a run with an already-aborted signal rejects promptly with the abort reason', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled by the contract test');
    controller.abort(reason);
    const run = runNode(def, c.config, c.inputs, makeContext({ ...fx?.context, signal: controller.signal }));
    await expect(settleWithin(run, PROMPTLY_MS)).rejects.toBe(reason);
  });

  test.runIf(contractCases[type]?.slow !== undefined)('an abort in the middle of a run rejects promptly', async () => {
    const slow = c.slow!;
    const controller = new AbortController();
    const reason = new Error('cancelled mid-run');
    const run = runNode(def, slow.config, slow.inputs, makeContext({ ...fx?.context, signal: controller.signal }));
    run.catch(() => {}); // observed below; avoids an unhandled-rejection warning while we wait
    await fx?.slowStarted?.();
    controller.abort(reason);
    await expect(settleWithin(run, PROMPTLY_MS)).rejects.toBe(reason);
  });
});
