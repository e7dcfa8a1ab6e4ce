import { api } from '../api/client.ts';
import { useLoad } from '../components/ui.tsx';
import { deploymentsApi } from '../deployments/deployments-api.ts';

export interface KeyOption {
  id: string;
  name: string;
}

/** Past this many deployments, only the chosen one's keys are named (one request a deployment). */
const NAMED_DEPLOYMENTS = 30;

const ownKeys = (deployment: string) =>
  deploymentsApi.keys(deployment).then(
    (ks) => ks.map((k) => ({ id: k.id, name: k.name })),
    () => [],
  );

/** Keys to filter a report by and to name in it: the shared keys, and the deployments' own (the chosen one's, or all of them). */
export function useKeyOptions(deployment: string | undefined): KeyOption[] {
  const shared = useLoad(() => api<{ data: KeyOption[] }>('/api/keys').then((r) => r.data.map((k) => ({ id: k.id, name: `${k.name} (shared)` }))), []);
  const own = useLoad(async () => {
    if (deployment) return ownKeys(deployment);
    const names = (await deploymentsApi.list()).map((d) => d.name).slice(0, NAMED_DEPLOYMENTS);
    return (await Promise.all(names.map(ownKeys))).flat();
  }, [deployment]);
  return [...(own.data ?? []), ...(shared.data ?? [])];
}

/** A key's name where known, else its id. */
export function keyName(keys: KeyOption[], id: string | null | undefined): string {
  if (!id) return 'admin token';
  return keys.find((k) => k.id === id)?.name ?? id;
}
