/**
 * Moderating a streamed completion: text is held back and released in windows, each only after it
 * has been checked together with the end of the text released before it (the overlap), so a term
 * split across chunks, or across two windows, is still seen whole. Windows end at whitespace, so
 * a check never sees half a word. Once a window is filtered nothing more is released; the caller
 * ends the stream with finish_reason `content_filter` and reports `verdict`.
 */
export interface WindowCheck<V extends { filtered: boolean }> {
  (text: string): Promise<V>;
}

export interface StreamWindowOptions<V extends { filtered: boolean }> {
  check: WindowCheck<V>;
  /** Characters held before a check (the last word waits for the next window). Default 100. */
  windowSize?: number;
  /** Characters of already-released text checked again with the next window. Default 60. */
  overlap?: number;
}

export class StreamWindow<V extends { filtered: boolean }> {
  readonly #check: WindowCheck<V>;
  readonly #size: number;
  readonly #overlap: number;
  #pending = '';
  #tail = '';
  #verdict: V | undefined;
  /** Calls run one after another even when the caller does not await each push. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(opts: StreamWindowOptions<V>) {
    this.#check = opts.check;
    this.#size = Math.max(1, opts.windowSize ?? 100);
    this.#overlap = Math.max(0, opts.overlap ?? 60);
  }

  /** True once a window was filtered: nothing more will be released. */
  get filtered(): boolean {
    return this.#verdict?.filtered === true;
  }

  /** The verdict of the filtered window, or of the last window checked. */
  get verdict(): V | undefined {
    return this.#verdict;
  }

  /** Adds streamed text; resolves to the text that may be sent now ('' while held back or once filtered). */
  push(chunk: string): Promise<string> {
    return this.#serial(async () => {
      if (this.filtered) return '';
      this.#pending += chunk;
      let out = '';
      while (!this.filtered && this.#pending.length >= this.#size) {
        const cut = wordEnd(this.#pending, this.#size);
        if (cut === 0) break;
        out += await this.#release(cut);
      }
      return out;
    });
  }

  /** The stream ended: checks and releases what is still held. */
  end(): Promise<string> {
    return this.#serial(async () => (this.filtered || this.#pending === '' ? '' : this.#release(this.#pending.length)));
  }

  #serial(step: () => Promise<string>): Promise<string> {
    const run = this.#queue.then(step);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #release(cut: number): Promise<string> {
    const window = this.#pending.slice(0, cut);
    const v = await this.#check(this.#tail + window);
    this.#verdict = v;
    if (v.filtered) {
      this.#pending = '';
      return '';
    }
    this.#pending = this.#pending.slice(cut);
    this.#tail = overlapTail(this.#tail + window, this.#overlap);
    return window;
  }
}

/** Where the window should end: after the last whitespace, or at the end of an over-long word. */
function wordEnd(text: string, size: number): number {
  for (let i = text.length - 1; i > 0; i--) if (/\s/.test(text[i])) return i + 1;
  // No whitespace at all: a run this long is not a word; cut it rather than hold the stream forever.
  return text.length >= size * 4 ? text.length : 0;
}

/** The last `n` characters, starting at a word start so the next check sees no half word. */
function overlapTail(text: string, n: number): string {
  if (n === 0 || text.length <= n) return n === 0 ? '' : text;
  const tail = text.slice(-n);
  const space = tail.search(/\s/);
  return space >= 0 ? tail.slice(space + 1) : tail;
}
