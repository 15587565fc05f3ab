import { canonicalName, sameName } from '../chain/name-compare';
import { readName } from '../cert/names';
import { verifySignature } from '../cert/verify';
import type { X509View } from '../cert/x509';
import type { RevocationFailure } from '../model/revocation';
import { printable } from './pkix';
import { utcMinute } from './words';

/** What one source said about one certificate, before it becomes a RevocationSource. */
export interface Judgement {
  outcome: 'good' | 'revoked' | 'unknown' | 'failed';
  failure: RevocationFailure | null;
  detail: string;
  thisUpdate: Date | null;
  nextUpdate: Date | null;
  revokedAt: Date | null;
  reasonCode: number | null;
}

/**
 * Clock skew allowed either side of a CRL's or OCSP answer's window: 5 minutes, so a responder or
 * CA whose clock runs a little ahead is not called "from the future", nor a CRL that lapsed seconds
 * ago "stale". RFC 6960 4.2.2.1 leaves the tolerance to local policy; Windows allows the same order.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

export function failed(failure: RevocationFailure, detail: string, window: { thisUpdate?: Date | null; nextUpdate?: Date | null } = {}): Judgement {
  return { outcome: 'failed', failure, detail, thisUpdate: window.thisUpdate ?? null, nextUpdate: window.nextUpdate ?? null, revokedAt: null, reasonCode: null };
}

/** Window check: null when `at` is inside [thisUpdate, nextUpdate] give or take the skew, else the words. */
export function outsideWindow(what: string, thisUpdate: Date, nextUpdate: Date | null, at: Date): string | null {
  if (thisUpdate.getTime() > at.getTime() + CLOCK_SKEW_MS) return `${what} is dated in the future (thisUpdate ${utcMinute(thisUpdate)}, checked at ${utcMinute(at)})`;
  if (nextUpdate && nextUpdate.getTime() < at.getTime() - CLOCK_SKEW_MS) return `${what} is stale: its nextUpdate was ${utcMinute(nextUpdate)} (checked at ${utcMinute(at)})`;
  return null;
}

export function nameText(der: Uint8Array): string {
  try {
    return printable(readName(der).rfc4514) || '(empty name)';
  } catch {
    return '(unreadable name)';
  }
}

export function namesMatch(a: Uint8Array, b: Uint8Array): boolean {
  try {
    return sameName(canonicalName(a), canonicalName(b));
  } catch {
    return false;
  }
}

/** Signature words: null when it verifies, else the failure to report. */
export async function signatureProblem(signed: Parameters<typeof verifySignature>[0], key: X509View['spki'], what: string, otherKey: string): Promise<Judgement | null> {
  const ok = await verifySignature(signed, key);
  if (ok === true) return null;
  if (ok === null) return failed('bad-signature', `could not check: the ${what} is signed with ${signed.signatureAlgorithm.oid}, which Certbench cannot verify`);
  return failed('bad-signature', `could not check: ${otherKey}`);
}
