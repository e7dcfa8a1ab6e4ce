import type { Segment } from './references.ts';
import type { FlowInputType } from './schema.ts';

/** Kept local (not imported from the registry) so the studio can share these checks. */
type JsonSchema = Record<string, unknown>;

/** A coarse type for checking that an output fits the input it feeds. */
export type TypeTag = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null' | 'any';

const FLOW_INPUT_TAGS: Record<FlowInputType, TypeTag> = {
  string: 'string',
  number: 'number',
  integer: 'integer',
  boolean: 'boolean',
  object: 'object',
  array: 'array',
  list: 'array',
  chat_history: 'array',
  any: 'any',
};

export function flowInputTag(t: FlowInputType): TypeTag {
  return FLOW_INPUT_TAGS[t];
}

/** The tag of a JSON Schema; unions of different types and unknown shapes are `any`. */
export function schemaTag(s: JsonSchema | undefined): TypeTag {
  if (!s) return 'any';
  const t = s.type;
  if (typeof t === 'string') return t as TypeTag;
  if (Array.isArray(t)) {
    const noNull = t.filter((x) => x !== 'null');
    return noNull.length === 1 ? (noNull[0] as TypeTag) : 'any';
  }
  const alts = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (alts) {
    const tags = new Set(alts.map(schemaTag).filter((x) => x !== 'null'));
    return tags.size === 1 ? [...tags][0] : 'any';
  }
  if ('const' in s) return jsTag(s.const);
  return 'any';
}

export function jsTag(v: unknown): TypeTag {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  if (t === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (t === 'string' || t === 'boolean' || t === 'object') return t;
  return 'any';
}

/**
 * Follows a reference path into an output schema. Returns the schema at the path, `undefined`
 * when the shape there is open (anything may be there), or an error naming the bad segment.
 */
export function schemaAt(
  root: JsonSchema,
  path: readonly Segment[],
): { schema?: JsonSchema; error?: string } {
  let s: JsonSchema | undefined = root;
  for (let i = 0; i < path.length; i++) {
    if (!s) return {};
    const seg = path[i];
    const tag = schemaTag(s);
    if (tag === 'any') return {};
    if (typeof seg === 'number') {
      if (tag !== 'array') return { error: `cannot index ${tag} with [${seg}]` };
      s = (s.items as JsonSchema | undefined) ?? undefined;
      continue;
    }
    if (tag !== 'object') return { error: `a ${tag} has no field "${seg}"` };
    const props = s.properties as Record<string, JsonSchema> | undefined;
    if (props && seg in props) {
      s = props[seg];
      continue;
    }
    const extra = s.additionalProperties;
    if (extra === false || (props && extra === undefined)) {
      const known = props ? Object.keys(props).join(', ') : 'none';
      return { error: `no field "${seg}" (known fields: ${known})` };
    }
    s = typeof extra === 'object' ? (extra as JsonSchema) : undefined;
  }
  return { schema: s };
}

export function compatible(from: TypeTag, to: TypeTag): boolean {
  if (from === 'any' || to === 'any' || from === to) return true;
  if (from === 'integer' && to === 'number') return true;
  return false;
}

/**
 * The types a port takes: one tag, or each member of a union (`string | number[]`), so a value that
 * fits no member is refused even where `schemaTag` sees the union as `any`.
 */
export function acceptedTags(s: JsonSchema | undefined): TypeTag[] {
  const alts = s && ((s.anyOf ?? s.oneOf) as JsonSchema[] | undefined);
  if (!alts) return [schemaTag(s)];
  const tags = [...new Set(alts.flatMap(acceptedTags))];
  return tags.includes('any') ? ['any'] : tags.filter((t) => t !== 'null');
}

/** Whether a value of type `from` fits a port taking `to` (one of them is enough). */
export function fitsAny(from: TypeTag, to: TypeTag[]): boolean {
  return to.length === 0 || to.some((t) => compatible(from, t));
}

export function tagsText(tags: TypeTag[]): string {
  return tags.length ? tags.join(' or ') : 'any';
}
