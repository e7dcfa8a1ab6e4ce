import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.ts';
import type { FlowInputSpec } from '../flow/analyze.ts';
import { MAX_NESTING, nestingDepth } from '../flow/nesting.ts';

/** As the HTTP API reads inputs: deeper values are refused, as printing or storing them recurses per level. */
function parseJson(text: string): unknown {
  if (nestingDepth(text) > MAX_NESTING) throw new Error(`the JSON nests deeper than ${MAX_NESTING} levels`);
  return JSON.parse(text);
}

/**
 * `--input key=value` gives strings; a flow input declared as number, boolean, list … is read as
 * JSON so `--input k=3` is the number 3. `--inputs file.json` gives a whole object; --input wins.
 */
export async function readCliInputs(specs: FlowInputSpec[], pairs: string[], file?: string): Promise<Record<string, unknown>> {
  let inputs: Record<string, unknown> = {};
  if (file) {
    let parsed: unknown;
    try {
      parsed = parseJson(await readFile(file, 'utf8'));
    } catch (err) {
      throw new InputError(`--inputs ${file}: ${(err as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InputError(`--inputs ${file} must hold a JSON object`);
    inputs = parsed as Record<string, unknown>;
  }
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError(`--input ${pair}: expected key=value`);
    const key = pair.slice(0, eq);
    const text = pair.slice(eq + 1);
    const spec = specs.find((s) => s.name === key);
    if (!spec || spec.type === 'string') {
      inputs[key] = text;
      continue;
    }
    if (nestingDepth(text) > MAX_NESTING) throw new InputError(`--input ${key}: the value nests deeper than ${MAX_NESTING} levels`);
    try {
      inputs[key] = JSON.parse(text);
    } catch {
      if (spec.type === 'any') inputs[key] = text;
      else throw new InputError(`--input ${key}: the flow input is ${spec.type}, and ${JSON.stringify(text)} is not a JSON ${spec.type} value`);
    }
  }
  return inputs;
}
