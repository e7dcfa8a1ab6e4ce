// Being written this session.
export function ModelsPage(_props: Record<string, unknown>) {
  return <div className="page-pad">…</div>;
}
