/**
 * A probe asked for from elsewhere in the app (the Lab's "Probe this"): the URL to prefill, and the
 * lab's client certificate so the page can say which file and password to use. `nonce` makes the
 * same URL asked twice a new request.
 */
export interface ProbeRequest {
  url: string;
  nonce: number;
  /** Where a matching client certificate is and its password (the lab's PFX), shown as a hint. */
  clientPfx?: { path: string; password: string } | null;
  /** What the target demonstrates, one line, shown above the form. */
  context?: string | null;
}
