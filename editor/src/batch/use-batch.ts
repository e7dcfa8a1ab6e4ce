import { useEffect, useRef, useState } from 'react';
import { ACTIVE, batchApi, type BatchLine, type BatchRun } from './batch-api.ts';

const PAGE = 100;

/** A batch run and its first lines, followed over SSE while it runs; `more` loads the next page of lines. */
export function useBatch(id: string) {
  const [run, setRun] = useState<BatchRun>();
  const [lines, setLines] = useState<BatchLine[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<Error>();
  const [tick, setTick] = useState(0);
  // Lines loaded past the first page stay loaded when the run is read again.
  const shown = useRef(PAGE);

  useEffect(() => {
    const stop = new AbortController();
    const load = async () => {
      const [r, l] = await Promise.all([batchApi.get(id), batchApi.lines(id, 0, shown.current)]);
      if (stop.signal.aborted) return r;
      setRun(r);
      setLines(l.data);
      setNext(l.next_offset);
      return r;
    };
    const follow = async () => {
      const r = await load();
      if (!ACTIVE.includes(r.status)) return;
      // Each progress event reloads the run and the lines shown; the stream ends when the run does.
      await batchApi.events(id, stop.signal, () => void load().catch(() => undefined));
      if (!stop.signal.aborted) await load();
    };
    follow().catch((e: Error) => e.name !== 'AbortError' && setError(e));
    return () => stop.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, tick]);

  const more = async () => {
    if (next === null) return;
    const l = await batchApi.lines(id, next, PAGE);
    shown.current = next + PAGE;
    setLines((all) => [...all, ...l.data]);
    setNext(l.next_offset);
  };
  return { run, lines, next, error, more, reload: () => setTick((t) => t + 1) };
}

/** The evaluation runs that read this run's lines, each with its lines by number. */
export async function evaluationsOf(id: string): Promise<{ run: BatchRun; byLine: Map<number, BatchLine> }[]> {
  const evals = (await batchApi.list()).filter((r) => r.run === id);
  return Promise.all(evals.map(async (run) => ({ run, byLine: new Map((await batchApi.lines(run.id, 0, 1000)).data.map((l) => [l.line_number, l])) })));
}
