import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WeirError } from '../../errors.ts';
import { readFlowSource } from '../flow-source.ts';

/** flows/evaluators/, from the sources (engine/app/monitor) or the build (dist/engine/app/monitor). */
function shippedDir(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return [path.join(here, '../../../flows/evaluators'), path.join(here, '../../../../flows/evaluators')].find((d) => existsSync(d));
}

const NAME = /^[0-9A-Za-z._~-]{1,64}$/;

/** A shipped evaluator's flow definition (flows/evaluators/<name>.flow.yaml). */
export async function shippedEvaluator(name: string, dir = shippedDir()): Promise<unknown> {
  const file = dir && NAME.test(name) && !name.startsWith('.') ? path.join(dir, `${name}.flow.yaml`) : undefined;
  if (!file || !existsSync(file)) throw new WeirError('evaluator_not_found', `no shipped evaluator is called "${name}" (see flows/evaluators/)`, { status: 404, path: ['evaluator'] });
  const src = readFlowSource(await readFile(file, 'utf8'), 'application/yaml');
  if (src.problems.length) throw new WeirError('evaluator_not_found', `the shipped evaluator "${name}" does not read: ${src.problems[0]!.message}`, { status: 500 });
  return src.definition;
}
