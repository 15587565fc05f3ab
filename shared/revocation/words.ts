/** CRLReason (RFC 5280 5.3.1; the same codes in OCSP's RevokedInfo, RFC 6960 4.2.1). 7 is not used. */
const REASONS: Readonly<Record<number, string>> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

export function reasonName(code: number | null): string | null {
  if (code === null) return null;
  return REASONS[code] ?? `reason ${code}`;
}

/** "2026-11-30 14:02 UTC": minutes are what a helpdesk compares against a log line. */
export function utcMinute(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export const METHOD_WORDS = { ocsp: 'OCSP', crl: 'CRL', 'delta-crl': 'delta CRL' } as const;

/**
 * A link's revocation answer as a sentence ("Revoked on 2026-11-30 14:02 UTC (keyCompromise) per CRL
 * http://..."): the words are the answer's own text (linkAnswer computes them once); the findings,
 * the bundle's report and the chain text say it from here.
 */
export function revocationSentence(r: { text: string }): string {
  return r.text.charAt(0).toUpperCase() + r.text.slice(1);
}
