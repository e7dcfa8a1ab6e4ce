/**
 * Whether a stored draft has the shape the canvas can draw. The server keeps drafts with structural
 * problems (it reports them); such a draft opens in the YAML view until it is mended.
 */
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isPoint = (v: unknown) => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x));

export function shapeProblem(def: unknown): string | null {
  if (!isObj(def)) return 'the flow is not a mapping';
  if (!Array.isArray(def.nodes)) return '`nodes` is not a list';
  for (const [i, n] of def.nodes.entries()) {
    if (!isObj(n)) return `nodes[${i}] is not a mapping`;
    if (typeof n.name !== 'string' || !n.name) return `nodes[${i}] has no name`;
    if (typeof n.type !== 'string') return `node "${n.name}" has no type`;
    for (const k of ['inputs', 'config', 'activate', 'map', 'retry'] as const) {
      if (n[k] !== undefined && !isObj(n[k])) return `node "${n.name}": \`${k}\` is not a mapping`;
    }
  }
  const names = def.nodes.map((n) => (n as { name: string }).name);
  if (new Set(names).size !== names.length) return 'two nodes have the same name';
  if (def.inputs !== undefined && (!isObj(def.inputs) || !Object.values(def.inputs).every(isObj))) return '`inputs` is not a mapping of input definitions';
  if (def.outputs !== undefined && (!isObj(def.outputs) || !Object.values(def.outputs).every((o) => typeof o === 'string' || (isObj(o) && typeof o.reference === 'string')))) {
    return '`outputs` is not a mapping of references';
  }
  if (def.layout !== undefined && (!isObj(def.layout) || !Object.values(def.layout).every(isPoint))) return '`layout` is not a mapping of [x, y] positions';
  return null;
}
