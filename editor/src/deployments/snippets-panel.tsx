import { useState } from 'react';
import { CodeBlock, Tabs } from '../components/ui.tsx';
import { snippet, type CallTarget, type SnippetLang } from './snippets.ts';

const FLOW_TABS: { id: SnippetLang; label: string }[] = [
  { id: 'curl', label: 'curl' },
  { id: 'js', label: 'JavaScript' },
  { id: 'python', label: 'Python' },
];
const MODEL_TABS: { id: SnippetLang; label: string }[] = [...FLOW_TABS, { id: 'openai-js', label: 'OpenAI SDK (JS)' }, { id: 'openai-python', label: 'OpenAI SDK (Python)' }];

/** Code to call the endpoint, with the key just created (it is the only moment it is known) or $WEIR_KEY. */
export function SnippetsPanel({ target, keyValue }: { target: CallTarget; keyValue?: string }) {
  const tabs = target.openai ? MODEL_TABS : FLOW_TABS;
  const [lang, setLang] = useState<SnippetLang>('curl');
  const code = snippet(lang, location.origin, target, keyValue);
  return (
    <section className="card" aria-label="Code snippets">
      <h2>Call it</h2>
      <Tabs tabs={tabs} value={lang} onChange={setLang} />
      <CodeBlock code={code} label={`${lang} snippet`} />
      <p className="hint muted">
        {keyValue ? 'The snippet holds the key you just created; keep it out of shared code.' : 'Set WEIR_KEY to a key of this deployment (create one under Keys).'}
      </p>
    </section>
  );
}
