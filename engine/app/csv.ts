/** CSV for spreadsheets: quoted where needed, and a cell a spreadsheet would run as a formula is made plain text. */
export function toCsv(columns: string[], rows: Record<string, unknown>[]): string {
  const cell = (v: unknown): string => {
    let s = v === null || v === undefined ? '' : String(v);
    // A leading '-' is left alone on a plain id (key ids may start with one): no formula is made of those characters alone.
    if (typeof v === 'string' && (/^[=+@\t\r]/.test(s) || /^-.*[^\w.-]/.test(s))) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
