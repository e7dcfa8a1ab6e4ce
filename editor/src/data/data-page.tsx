// Being written this session.
export function DataPage(_props: Record<string, unknown>) {
  return <div className="page-pad">…</div>;
}
