const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const RESERVED = new Set(['inputs', 'map', 'outputs', 'flow']);

/** Why a node name cannot be used, or null (the server's rule: letters, digits, _ and -, not reserved). */
export function nameProblem(name: string, taken: ReadonlySet<string>): string | null {
  if (!NAME.test(name)) return 'a name is letters, digits, _ and -, not starting with a digit';
  if (RESERVED.has(name)) return `"${name}" is reserved`;
  if (taken.has(name)) return `a node named "${name}" already exists`;
  return null;
}

/** `base`, or `base_2`, `base_3` … whichever is free. */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  let clean = base.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^[^A-Za-z_]+/, '') || 'node';
  if (RESERVED.has(clean)) clean = `${clean}_node`;
  if (!taken.has(clean)) return clean;
  const stem = clean.replace(/_\d+$/, '');
  for (let i = 2; ; i++) if (!taken.has(`${stem}_${i}`)) return `${stem}_${i}`;
}
