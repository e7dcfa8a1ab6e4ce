// Being written this session.
export function EditorPage(_props: Record<string, unknown>) {
  return <div className="page-pad">…</div>;
}
