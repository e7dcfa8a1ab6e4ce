import { useEffect, useState } from 'react';
import { usageApi, type CallFilter, type CallRecord } from './usage-api.ts';

export interface Calls {
  data: CallRecord[];
  error?: Error;
  loading: boolean;
  /** There are older calls than those listed. */
  hasMore: boolean;
  /** Lists the next (older) page under those shown. */
  more: () => void;
  reload: () => void;
}

/** Per-call records, newest first, a page at a time (`next` is the cursor of the page after). */
export function useCalls(filter: CallFilter, deps: unknown[]): Calls {
  const [state, setState] = useState<{ data: CallRecord[]; next: string | null; error?: Error; loading: boolean }>({ data: [], next: null, loading: true });
  const [tick, setTick] = useState(0);
  const [before, setBefore] = useState<string>();

  useEffect(() => setBefore(undefined), [...deps, tick]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    usageApi.calls({ ...filter, before }).then(
      (page) => live && setState((s) => ({ data: before ? [...s.data, ...page.data] : page.data, next: page.has_more ? page.next : null, loading: false })),
      (error: Error) => live && setState((s) => ({ ...s, error, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick, before]); // eslint-disable-line react-hooks/exhaustive-deps

  return {
    data: state.data,
    error: state.error,
    loading: state.loading,
    hasMore: state.next !== null,
    more: () => state.next && setBefore(state.next),
    reload: () => setTick((t) => t + 1),
  };
}
