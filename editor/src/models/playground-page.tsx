// Being written this session.
export function PlaygroundPage(_props: Record<string, unknown>) {
  return <div className="page-pad">…</div>;
}
