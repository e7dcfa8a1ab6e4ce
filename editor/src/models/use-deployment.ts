import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client.ts';
import type { DeploymentInfo } from './model-types.ts';

const POLL_MS = 700;

/**
 * One deployment, polled while its model loads so the page sees loading → ready / failed without
 * a reload. `version` restarts polling (after a redeploy under the same name).
 */
export function useDeployment(name: string | undefined, version = 0): { deployment?: DeploymentInfo; error?: ApiError } {
  const [state, setState] = useState<{ deployment?: DeploymentInfo; error?: ApiError }>({});
  useEffect(() => {
    setState({});
    if (!name) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const d = await api<DeploymentInfo>(`/api/deployments/${encodeURIComponent(name)}`);
        if (!live) return;
        setState({ deployment: d });
        if (d.kind === 'model' && d.state === 'loading') timer = setTimeout(tick, POLL_MS);
      } catch (err) {
        if (!live) return;
        const e = err instanceof ApiError ? err : new ApiError(0, 'error', String(err));
        setState((s) => ({ ...s, error: e }));
        // A dropped connection is worth retrying; a 404 or a refusal will not change by waiting.
        if (e.status === 0) timer = setTimeout(tick, POLL_MS * 3);
      }
    };
    void tick();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [name, version]);
  return state;
}
