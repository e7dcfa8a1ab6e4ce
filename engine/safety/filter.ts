import { verdict, type SafetyPolicy, type Verdict } from './policy.ts';
import { StreamWindow, type StreamWindowOptions } from './stream-window.ts';
import type { Role, SafetyClassifier } from './types.ts';

/** Classifies text with the policy's blocklists and judges it: the one call the gateway makes per text. */
export async function moderate(classifier: SafetyClassifier, policy: SafetyPolicy, role: Role, text: string, signal?: AbortSignal): Promise<Verdict> {
  const c = await classifier.classify(text, { role, signal, blocklists: policy.blocklists });
  return verdict(policy, role, c);
}

/** A stream window that judges completion windows with a classifier and a policy. */
export function completionWindow(
  classifier: SafetyClassifier,
  policy: SafetyPolicy,
  opts: Omit<StreamWindowOptions<Verdict>, 'check'> & { signal?: AbortSignal } = {},
): StreamWindow<Verdict> {
  return new StreamWindow<Verdict>({ ...opts, check: (text) => moderate(classifier, policy, 'completion', text, opts.signal) });
}
