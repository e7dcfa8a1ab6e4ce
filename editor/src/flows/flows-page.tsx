// Being written this session.
export function FlowsPage(_props: Record<string, unknown>) {
  return <div className="page-pad">…</div>;
}
