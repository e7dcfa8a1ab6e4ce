/**
 * JSON text for stored values. Run inputs, outputs and traces come from users and nodes, so a
 * BigInt or a cycle must not turn a finished run into a lost one: such values become a note.
 */
export function toJsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (err) {
    return JSON.stringify({ unserializable: err instanceof Error ? err.message : String(err) });
  }
}
