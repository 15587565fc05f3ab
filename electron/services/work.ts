/**
 * What long work (a store listing, a probe, a diagnosis, a bundle) is given by whoever asked for it:
 * where to report how far it got, and a signal that says the asker went away (window closed, HTTP
 * client disconnected, Ctrl+C), so the work stops instead of running for nobody.
 */
export interface Progress {
  /** Units done so far. */
  done: number;
  /** The total when known (null: indeterminate). */
  total: number | null;
  label: string;
}

export interface Work {
  progress: (update: Progress) => void;
  signal: AbortSignal;
}

/** Work nobody watches and nobody cancels: for a step inside another service, or a test. */
export function quietWork(signal: AbortSignal = new AbortController().signal): Work {
  return { progress: () => undefined, signal };
}

/** The one clock services read "now" from (tests pass a fixed one). */
export interface Clock {
  now: () => Date;
}

export const systemClock: Clock = { now: () => new Date() };
