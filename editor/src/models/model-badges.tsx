import { isExtractive, type ModelInfo } from './model-types.ts';

/** The tags that change what a user can expect from a model: where it runs, and whether it writes text at all. */
export function ModelBadges({ model }: { model: ModelInfo }) {
  return (
    <span className="model-badges">
      {model.local ? <span className="tag ok">local</span> : <span className="tag accent">remote</span>}
      {isExtractive(model) && (
        <span className="tag warn" data-testid="extractive-badge" title="Answers only by quoting sentences from the context you give it; never writes new text">
          extractive
        </span>
      )}
      {model.labels.includes('default-chat') && <span className="tag">default chat</span>}
      {model.labels.includes('default-embeddings') && <span className="tag">default embeddings</span>}
      {model.labels.includes('user') && <span className="tag">added by you</span>}
    </span>
  );
}
