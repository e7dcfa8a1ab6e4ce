/** A server a test started; stop() ends it and removes its files (calling it twice is harmless). */
export interface RunningService {
  url: string;
  stop(): Promise<void>;
}
