// Being written this session.
export function DeploymentsPage(_props: Record<string, unknown>) {
  return <div className="page-pad">…</div>;
}
