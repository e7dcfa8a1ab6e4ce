import type { GenerateOptions, GenerationEvent, LoadedModel, ModelPrice } from '../../models/types.ts';
import type { Admission } from './admit.ts';
import { pricedUsage } from './cost.ts';
import { callEstimate, promptEstimate } from './estimate.ts';

/** How a governed model's calls are let through and settled (its deployment's allocation); absent: no limits. */
export interface Governor {
  admit(tokens: number): Promise<Admission>;
  settle(a: Admission, usedTokens: number): Promise<void>;
}

/**
 * A model as a flow's nodes get it: each call draws on the model deployment's allocation (estimate
 * at the start, reconciled with the real count at the end; a RateLimitError when the allocation is
 * used up) and comes back priced (at the price in effect when the node got the model), so nodes report cost without pricing anything themselves. The
 * model stays the deployment's: disposing of the wrapper does nothing.
 */
export function governedModel(model: LoadedModel, governor: Governor | undefined, price: ModelPrice | null): LoadedModel {
  const costOf = (u: { prompt_tokens: number; completion_tokens?: number; total_tokens: number }) => pricedUsage(price, u).cost;

  async function* generate(texts: string[], opts: GenerateOptions, run: () => AsyncIterable<GenerationEvent>): AsyncIterable<GenerationEvent> {
    const a = await governor?.admit(callEstimate(texts, opts.maxTokens, model.contextLength));
    let used = 0;
    try {
      for await (const e of run()) {
        if (e.type !== 'done') {
          yield e;
          continue;
        }
        used = e.usage.total_tokens;
        const cost = costOf(e.usage);
        yield cost === undefined ? e : { ...e, cost };
      }
    } finally {
      if (a) await governor!.settle(a, used);
    }
  }

  const { chat, complete, embed } = model;
  return {
    entry: model.entry,
    contextLength: model.contextLength,
    tokenize: (text) => model.tokenize(text),
    dispose: () => Promise.resolve(),
    ...(chat && { chat: (messages, opts) => generate(messages.map((m) => m.content), opts, () => chat.call(model, messages, opts)) }),
    ...(complete && { complete: (prompt, opts) => generate([prompt], opts, () => complete.call(model, prompt, opts)) }),
    ...(embed && {
      embed: async (texts, opts) => {
        const a = await governor?.admit(promptEstimate(texts));
        let used = 0;
        try {
          const r = await embed.call(model, texts, opts);
          used = r.usage.total_tokens;
          const cost = costOf({ prompt_tokens: r.usage.prompt_tokens, total_tokens: r.usage.total_tokens });
          return cost === undefined ? r : { ...r, cost };
        } finally {
          if (a) await governor!.settle(a, used);
        }
      },
    }),
  };
}
