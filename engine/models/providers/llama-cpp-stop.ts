/**
 * Stop strings matched on the streamed text. Used for plain completion because node-llama-cpp's
 * LlamaCompletion matches its stop triggers against each token detokenized on its own, which
 * drops the word-initial space of SPM (Llama 2 style) tokens: a stop such as "d h" never fires.
 */
export class StopMatcher {
  private pending = '';
  private hit = false;

  constructor(private readonly stops: readonly string[]) {}

  /** Whether a stop string was found; nothing more should be generated. */
  get stopped(): boolean {
    return this.hit;
  }

  /** Takes the next chunk; returns the text that is safe to emit now (never part of a stop). */
  push(chunk: string): string {
    if (this.hit) return '';
    this.pending += chunk;
    const at = this.firstMatch();
    if (at >= 0) {
      this.hit = true;
      const before = this.pending.slice(0, at);
      this.pending = '';
      return before;
    }
    // Hold back a tail that could still grow into a stop string.
    const held = this.partialTail();
    const out = this.pending.slice(0, this.pending.length - held);
    this.pending = this.pending.slice(out.length);
    return out;
  }

  /** The held-back tail, once generation ended without a stop. */
  flush(): string {
    const out = this.hit ? '' : this.pending;
    this.pending = '';
    return out;
  }

  private firstMatch(): number {
    let first = -1;
    for (const stop of this.stops) {
      const i = this.pending.indexOf(stop);
      if (i >= 0 && (first < 0 || i < first)) first = i;
    }
    return first;
  }

  private partialTail(): number {
    let longest = 0;
    for (const stop of this.stops) {
      for (let n = Math.min(stop.length - 1, this.pending.length); n > longest; n--) {
        if (this.pending.endsWith(stop.slice(0, n))) {
          longest = n;
          break;
        }
      }
    }
    return longest;
  }
}
