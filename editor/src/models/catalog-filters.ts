import { create } from 'zustand';

/** Catalog filters live outside the page so going to a model's detail and back keeps them. */
export interface CatalogFilters {
  q: string;
  task: string;
  license: string;
  provider: string;
  localOnly: boolean;
  set(patch: Partial<Omit<CatalogFilters, 'set' | 'reset'>>): void;
  reset(): void;
}

const EMPTY = { q: '', task: '', license: '', provider: '', localOnly: false };

export const useCatalogFilters = create<CatalogFilters>((set) => ({
  ...EMPTY,
  set: (patch) => set(patch),
  reset: () => set(EMPTY),
}));

/** The GET /api/models query for these filters; empty ones are left out (the server reads absent as "any"). */
export function catalogQuery(f: Pick<CatalogFilters, 'q' | 'task' | 'license' | 'provider' | 'localOnly'>): string {
  const p = new URLSearchParams();
  if (f.q.trim()) p.set('q', f.q.trim());
  if (f.task) p.set('task', f.task);
  if (f.license) p.set('license', f.license);
  if (f.provider) p.set('provider', f.provider);
  if (f.localOnly) p.set('local', 'true');
  const s = p.toString();
  return s ? `?${s}` : '';
}
