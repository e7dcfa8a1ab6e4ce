/** JSON text of a message; throws the TypeError publish rejects with when there is none. */
export function encodeMessage(message: unknown): string {
  const text = JSON.stringify(message);
  if (text === undefined) throw new TypeError(`a bus message must be JSON-serialisable, got ${typeof message}`);
  return text;
}

/**
 * Hands a subscriber its own parsed copy. Subscribers belong to unrelated parts of the instance: one
 * that throws (or rejects) must not cost the others their message, nor reach the publisher.
 */
export function deliver(handler: (message: unknown) => void, text: string): void {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return; // not ours: something else published on the channel
  }
  try {
    const result: unknown = handler(message);
    if (result instanceof Promise) result.catch(reportFailure);
  } catch (err) {
    reportFailure(err);
  }
}

function reportFailure(err: unknown): void {
  console.error('weir bus: a subscriber failed on a message:', err);
}

/** Calls a reconnect listener; like a subscriber, one that throws must not cost the others. */
export function deliverCall(listener: () => void): void {
  try {
    listener();
  } catch (err) {
    reportFailure(err);
  }
}
