import { formatBytes } from './model-format.ts';
import { isExtractive, type ModelInfo } from './model-types.ts';

const ON_MACHINE: Record<string, string> = { shipped: 'ships with Weir', downloaded: 'downloaded', local: 'on this machine' };

/** Whether the model can run here now, or needs its weights first (and how big they are). */
export function AvailabilityTag({ model }: { model: ModelInfo }) {
  const a = model.availability;
  if (a === 'remote') return <span className="tag" data-testid="availability" title="Runs on a remote service, through a connection">via connection</span>;
  if (ON_MACHINE[a]) return <span className="tag ok" data-testid="availability" title="Its weights are on this machine">{ON_MACHINE[a]}</span>;
  const label = a === 'missing' ? 'file missing' : model.download_bytes ? `download ${formatBytes(model.download_bytes)}` : 'needs download';
  return <span className="tag warn" data-testid="availability" title="Its weights are not on this machine yet">{label}</span>;
}

/** The tags that change what a user can expect from a model: where it runs, and whether it writes text at all. */
export function ModelBadges({ model }: { model: ModelInfo }) {
  return (
    <span className="model-badges">
      {model.local ? <span className="tag ok">local</span> : <span className="tag accent">remote</span>}
      <AvailabilityTag model={model} />
      {isExtractive(model) && (
        <span className="tag warn" data-testid="extractive-badge" title="Answers only by quoting sentences from the context you give it; never writes new text">
          extractive
        </span>
      )}
      {model.supports.tools && (
        <span className="tag" data-testid="tools-badge" title="Calls tools (OpenAI function calling: tools, tool_choice)">
          tools
        </span>
      )}
      {model.supports.structured_output && (
        <span className="tag" data-testid="json-badge" title="Keeps to a JSON schema (response_format json_schema / json_object)">
          JSON schema
        </span>
      )}
      {model.labels.includes('default-chat') && <span className="tag">default chat</span>}
      {model.labels.includes('default-embeddings') && <span className="tag">default embeddings</span>}
      {model.labels.includes('user') && <span className="tag">added by you</span>}
    </span>
  );
}
