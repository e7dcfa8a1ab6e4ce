import { useLoad } from '../components/ui.tsx';
import { BlocklistsPanel } from './blocklists-panel.tsx';
import { FilteredCalls } from './filtered-calls.tsx';
import { PoliciesPanel } from './policies-panel.tsx';
import { safetyApi } from './safety-api.ts';
import '../styles/usage.css';

/** `#/safety`: content-safety policies, custom blocklists and the calls they filtered. */
export function SafetyPage() {
  const policies = useLoad(() => safetyApi.policies(), []);
  const lists = useLoad(() => safetyApi.blocklists(), []);
  const reload = () => {
    policies.reload();
    lists.reload();
  };
  const error = policies.error ?? lists.error;
  return (
    <div className="page-pad safety">
      <div className="page-head">
        <h1>Safety</h1>
      </div>
      <p className="muted">
        Content filters as Azure OpenAI applies them: hate, sexual, violence and self-harm judged on prompts and completions, a shield against prompt attacks,
        and your own blocklists. A filtered prompt is refused with 400 <code>content_filter</code>; a filtered completion is withheld. Filtered text is
        never stored or shown.
      </p>
      {error && (
        <p className="error-text" role="alert">
          {error.message}
        </p>
      )}
      {!policies.data && !error && <div className="loading">Loading…</div>}
      {policies.data && <PoliciesPanel policies={policies.data} blocklists={(lists.data ?? []).map((l) => l.name)} onChanged={reload} />}
      {lists.data && <BlocklistsPanel lists={lists.data} onChanged={reload} />}
      <FilteredCalls />
    </div>
  );
}
