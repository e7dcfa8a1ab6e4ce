import { acceptedTags, fitsAny, flowInputTag, schemaAt, schemaTag, tagsText, type TypeTag } from '../../../engine/flow/port-types.ts';
import type { FlowInputType, JsonSchema } from '../api/types.ts';
import type { Segment } from './refs.ts';

export { acceptedTags, flowInputTag, schemaTag, type TypeTag };

/** What a source handle gives: the schema at a path into a node's output, or a flow input's type. */
export function sourceTag(output: JsonSchema, path: Segment[]): { tag: TypeTag; error?: string } {
  const at = schemaAt(output, path);
  if (at.error) return { tag: 'any', error: at.error };
  return { tag: schemaTag(at.schema) };
}

export function inputTypeTag(t: FlowInputType | undefined): TypeTag {
  return flowInputTag(t ?? 'string');
}

/** Null when `from` may feed a port taking `to`; otherwise why not, in words a builder reads on the canvas. */
export function refusal(from: TypeTag, to: TypeTag[], fromLabel: string, toLabel: string): string | null {
  if (fitsAny(from, to)) return null;
  return `${fromLabel} gives ${article(from)} ${from}, but ${toLabel} takes ${article(to[0])} ${tagsText(to)}`;
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? 'an' : 'a';
}
