import { acceptedTags, fitsAny, flowInputTag, schemaTag, tagsText, type TypeTag } from '../../../engine/flow/port-types.ts';
import type { FlowInputType } from '../api/types.ts';

export { acceptedTags, flowInputTag, schemaTag, type TypeTag };

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
