import type { CertificateSummary } from '../model/certificate';
import type { KeyStatus, VerdictBrief } from '../model/chain';
import { clientAuthVerdict } from '../verdict/client-auth';
import { briefVerdict } from '../verdict/store-verdicts';
import type { CertificateRequestInfo, OfferDecision } from '../model/probe';

export type { OfferDecision };

/**
 * "Which of my certificates would the browser offer to this server, and why not the others?"
 * Browsers and Windows offer a certificate when it allows Client Authentication, has a
 * private key, is valid, and, when the server named CAs, one of its issuers is among them
 * (RFC 5246 7.4.4 / RFC 8446 4.2.4: certificate_authorities). The rule is the same in the UI and CLI.
 */

export interface OfferCandidate {
  summary: CertificateSummary;
  source: string;
  key: KeyStatus;
  /** RFC 4514 subjects of the certificates above it in its chain (issuer first), as far as known. */
  issuers: string[];
  /**
   * THE verdict of this certificate, as the Local stores table and its card show it.
   * Without one (no chain built), the same function judges the certificate alone.
   */
  verdict?: VerdictBrief;
}

/** A verdict finding as a reason not to offer, in the table's short words. */
function reasonOf(f: VerdictBrief['findings'][number], s: CertificateSummary): string {
  switch (f.id) {
    case 'cert.no-client-auth-eku':
      return `its Enhanced Key Usage (${(s.extendedKeyUsage ?? []).map((e) => e.name).join(', ')}) does not include Client Authentication`;
    case 'cert.no-private-key':
      return 'it has no private key';
    case 'cert.expired':
      return `it expired on ${s.notAfter.slice(0, 10)}`;
    case 'cert.not-yet-valid':
      return `it is not valid until ${s.notBefore.slice(0, 10)}`;
    default:
      return f.title.charAt(0).toLowerCase() + f.title.slice(1);
  }
}

/** RFC 4514 names compared the way they are usually equal: caseless, spaces around separators ignored. */
export function normalizeDn(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((rdn) => rdn.trim().replace(/\s*=\s*/, '=').toLowerCase())
    .join(',');
}

/** `request`: the CA names a server sent (a CertificateRequest, or the issuers Windows handed to SslStream); null when it did not ask. */
export function decideOffers(request: Pick<CertificateRequestInfo, 'caNames'> | null, candidates: OfferCandidate[], at: Date): OfferDecision[] {
  const named = new Map((request?.caNames ?? []).map((n) => [normalizeDn(n), n]));
  return candidates.map((c) => {
    const s = c.summary;
    // One verdict: the reasons are the verdict's errors, never a second set of rules. Except whether
    // THIS machine trusts the chain or has all of it: a browser offers a certificate without trusting
    // its root (Windows' CertFindChainInStore matches issuer names; NSS and macOS do the same), and
    // the server, whose CA list stands for its trust, decides. Those become notes, not reasons.
    const verdict = c.verdict ?? briefVerdict(clientAuthVerdict(s, null, c.key, at));
    const errors = verdict.findings.filter((f) => f.severity === 'error');
    const reasons = errors.filter((f) => !LOCAL_TRUST.has(f.id)).map((f) => reasonOf(f, s));
    const notes = errors.filter((f) => LOCAL_TRUST.has(f.id)).map((f) => `${reasonOf(f, s)} (here; the server decides with its own trusted roots)`);
    if (verdict.usable === null && c.key.status === 'unknown') reasons.push('it is not known to have a private key here');
    let matchedCa: string | null = null;
    if (named.size > 0) {
      for (const issuer of [s.issuer.rfc4514, ...c.issuers]) {
        const hit = named.get(normalizeDn(issuer));
        if (hit) {
          matchedCa = hit;
          break;
        }
      }
      if (!matchedCa) reasons.push(`none of its issuers (${[s.issuer.rfc4514, ...c.issuers].filter((v, i, a) => a.indexOf(v) === i).join('; ')}) is among the ${named.size} CA name(s) the server sent`);
    }
    return {
      thumbprint: s.thumbprintSha1,
      subject: s.subject.rfc4514,
      commonName: s.subject.commonName,
      source: c.source,
      wouldOffer: reasons.length === 0,
      matchedCa,
      reasons,
      ...(notes.length ? { notes } : {}),
    };
  });
}

/** Verdict findings about this machine's view of the chain, which do not stop a browser offering it. */
const LOCAL_TRUST: ReadonlySet<string> = new Set(['chain.untrusted-root', 'chain.incomplete']);

/** One line for the CLI and the UI's table caption. */
export function offerSummary(request: Pick<CertificateRequestInfo, 'caNames'> | null, decisions: OfferDecision[]): string {
  const offered = decisions.filter((d) => d.wouldOffer).length;
  const scope = !request ? 'The server did not ask for a certificate' : request.caNames.length === 0 ? 'The server named no CAs, so any certificate with Client Authentication and a private key qualifies' : `The server named ${request.caNames.length} CA(s)`;
  return `${scope}; ${offered} of ${decisions.length} local certificate(s) would be offered.`;
}
