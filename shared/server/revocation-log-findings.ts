import { finding, type Evidence, type Finding, type FindingId } from '../findings/catalogue';
import type { SchannelEventSummary, W3cLogStats } from '../model/server';
import { eventLine } from './schannel-events';
import { decodeWin32Status } from './win32-status';

/**
 * Revocation findings from the server's own records, in the finding ids the revocation engine uses
 * for its checks: IIS W3C logs (a 403.13 or 403.16 whose sc-win32-status is one of the revocation
 * HRESULTs of winerror.h) and Schannel events (this server sending alert 44 certificate_revoked,
 * RFC 8446 6.2). Pure.
 */

interface RevocationStatus {
  id: FindingId;
  /** What it means for the request, after "the server ...". */
  words: string;
  advice: string;
}

const REVOCATION_STATUSES: Record<number, RevocationStatus> = {
  0x80092010: {
    id: 'revocation.revoked',
    words: 'found the client certificate revoked by its issuing CA',
    advice: 'The user needs a new certificate; the revoked one will not be accepted again.',
  },
  0x800b010c: {
    id: 'revocation.revoked',
    words: 'found the client certificate revoked by its issuing CA',
    advice: 'The user needs a new certificate; the revoked one will not be accepted again.',
  },
  0x80092013: {
    id: 'revocation.unreachable',
    words: 'could not reach the revocation server (CRL or OCSP address) for the client certificate',
    advice: "Open the server's route to the CRL and OCSP addresses in the client certificate and its CAs (proxy, firewall, DNS); a CRL cached from an earlier download may also have expired.",
  },
  0x800b010e: {
    id: 'revocation.unreachable',
    words: 'could not check the revocation of the client certificate',
    advice: "Check that the server can download the CRLs named in the client certificate and its CAs, and that those CRLs are current.",
  },
  0x80092012: {
    id: 'revocation.no-address',
    words: 'found no way to check the revocation of the client certificate (usually: the certificate or a CA above it names no CRL or OCSP address)',
    advice: 'Issue certificates that carry a CRL distribution point or an OCSP address, or turn off revocation checking on the binding only if the policy allows it.',
  },
};

const times = (n: number) => `${n.toLocaleString('en-US')} request${n === 1 ? '' : 's'}`;

/** One finding per revocation id, with the statuses, counts and logs behind it. */
export function revocationLogFindings(stats: W3cLogStats[]): Finding[] {
  const byId = new Map<FindingId, { total: number; sentences: string[]; evidence: Evidence[]; advice: string }>();
  for (const s of stats) {
    for (const w of s.win32Statuses) {
      if (w.status !== '403.13' && w.status !== '403.16') continue;
      const decoded = decodeWin32Status(w.win32);
      const known = decoded.value === null ? undefined : REVOCATION_STATUSES[decoded.value];
      if (!known) continue;
      const entry = byId.get(known.id) ?? { total: 0, sentences: [], evidence: [], advice: known.advice };
      entry.total += w.count;
      entry.sentences.push(`IIS refused ${times(w.count)} with ${w.status}: the server ${known.words} (${decoded.name}).`);
      entry.evidence.push({ kind: 'sc-win32-status', text: `${s.source}: ${w.status} with ${decoded.text} (${times(w.count)})` });
      byId.set(known.id, entry);
    }
  }
  return [...byId].map(([id, e]) =>
    finding(id, `The server log shows revocation failures of client certificates (${times(e.total)})`, `${e.sentences.join(' ')} ${e.advice}`, e.evidence, {
      params: { serverSoftware: 'iis' },
    }),
  );
}

const MAX_EVIDENCE = 5;

/** revocation.revoked from event 36888 with alert 44: Schannel on this server refused a client certificate as revoked. */
export function revocationEventFindings(summaries: SchannelEventSummary[]): Finding[] {
  const out: Finding[] = [];
  for (const s of summaries) {
    const events = s.recent.filter((e) => e.id === 36888 && e.alert?.code === 44);
    if (!events.length) continue;
    const n = events.length;
    out.push(
      finding(
        'revocation.revoked',
        'Schannel refused a client certificate as revoked',
        `This server sent the fatal TLS alert 44 certificate_revoked ${n === 1 ? 'once' : `${n} times`} among the ${s.recent.length} most recent events (${s.source}): Windows found the client certificate on its CA's revocation list or revoked by its OCSP responder. The user needs a new certificate.`,
        events.slice(0, MAX_EVIDENCE).map((e) => ({ kind: 'event', text: eventLine(e) })),
        { params: { serverSoftware: 'iis' } },
      ),
    );
  }
  return out;
}
