import type { Locator, Report } from './report.ts';
import { joinPath, unsafePath, type SourceFiles } from './source-files.ts';

/**
 * `additional_includes`: prompt flow copies each listed file or folder into the flow's folder under
 * its own name (`../shared/utils.py` → `utils.py`, `../shared/lib` → `lib/`), and the nodes name it
 * there. The importer does the same: the included files join the flow folder (and are copied beside
 * the Weir flow), so nodes keep their paths. Includes outside the upload must be handed over under
 * their target name (the CLI reads them from disk); otherwise they are reported.
 */
export function applyIncludes(raw: unknown, files: SourceFiles, at: Locator, report: Report, needed: Set<string>): void {
  if (raw === undefined || raw === null) return;
  const list = Array.isArray(raw) ? raw : [raw];
  list.forEach((entry, i) => {
    const where = at(['additional_includes', i]);
    if (typeof entry !== 'string' || !entry.trim()) {
      report.add('attention', `additional_includes[${i}] is not a path`, { ...where, todo: 'fix the entry' });
      return;
    }
    const p = entry.trim().replace(/\/+$/, '');
    const base = p.split('/').pop()!;
    const bad = p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.includes('\\') ? 'it is an absolute path' : unsafePath(base);
    if (bad || base === '..' || base === '.') {
      report.add('attention', `additional include ${p} not copied`, { ...where, why: bad ?? 'it names a folder above the flow', todo: `copy what the flow needs from ${p} beside the Weir flow by hand` });
      return;
    }
    const resolved = joinPath(files.root, p);
    const found = resolved === undefined ? [] : files.uploadUnder(resolved);
    if (found.length) {
      let copied = 0;
      for (const f of found) {
        const rel = base + f.slice(resolved!.length);
        if (!files.files.has(rel)) files.files.set(rel, files.all.get(f)!);
        needed.add(rel);
        copied++;
      }
      report.add('changed', `additional include ${p} → ${base}${found.length > 1 || found[0] !== resolved ? '/' : ''}`, { ...where, target: base, why: `prompt flow copies includes into the flow folder under their own name; the ${copied} file(s) are copied beside the Weir flow` });
      return;
    }
    const already = files.has(base) || files.under(base).length > 0;
    if (already) {
      for (const f of files.has(base) ? [base] : files.under(base)) needed.add(f);
      report.add('changed', `additional include ${p} → ${base}`, { ...where, target: base, why: 'copied beside the Weir flow under its own name, as prompt flow does' });
      return;
    }
    report.add('attention', `additional include ${p} not found`, { ...where, why: 'it is not in the upload', todo: `copy ${p} beside the Weir flow as ${base}` });
  });
}
