import type { CertificateSummary } from '../model/certificate';
import type { Alert, CertificateRequestInfo, ProbeAttempt, ProbeResult, SslStreamDetails, TimelineEntry } from '../model/probe';
import { CA_LIST_LIMIT } from './findings';
import { groupDigits } from '../errors';

/**
 * The lines a probe's plain-text reports share: `certbench probe` (electron/cli/probe.ts) and a bundle's
 * probes/<n>-<host>.timeline.txt (shared/bundle/timeline-text.ts) say these the same way, so a reader
 * who knows one knows the other. Each report keeps its own header and what only it shows.
 */

/** en-US grouping: "16,384", as DESIGN.md writes byte counts. */
export const groupedNumber = groupDigits;

/** https://host:port/path with the SNI sent (IPv6 literals bracketed, RFC 3986 3.2.2). */
export function probeTargetText(t: ProbeResult['target']): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `https://${host}:${t.port}${t.path}${t.servername ? ` (SNI ${t.servername})` : ' (no SNI: IP address)'}`;
}

export function clientAuthText(c: { mode: string; reason?: string | null }): string {
  return `Client certificate asked: ${c.mode}${c.reason ? ` (${c.reason})` : ''}`;
}

/** "HTTP 403.7 Forbidden", or null when no HTTP answer came. */
export function httpText(http: ProbeAttempt['http']): string | null {
  return http ? `HTTP ${http.status}${http.subStatus !== null ? `.${http.subStatus}` : ''} ${http.reason}`.trim() : null;
}

/** One packet-list row a TCP segment: its time, direction and the messages it carried (* = sent encrypted). */
export function packetListRows(timeline: TimelineEntry[]): string[] {
  return segments(timeline).map((group) => {
    const first = group[0]!;
    const arrow = first.from === 'client' ? 'client -> server' : 'server -> client';
    return `  ${first.ms.toFixed(1).padStart(8)}  ${arrow}  ${group.map((e) => `${e.encrypted ? '*' : ''}${e.message}`).join(', ')}`;
  });
}

/** The CA-name list against the 16,384-byte limit (reference section 4, KB 933430) and the message that carried it. */
export function caNamesText(cr: CertificateRequestInfo): string {
  const verdict = cr.caNamesBytes > CA_LIST_LIMIT ? 'OVER the limit' : 'within the limit';
  const n = groupedNumber;
  return `CA names: ${n(cr.caNames.length)}, ${n(cr.caNamesBytes)} of ${n(CA_LIST_LIMIT)} bytes (${verdict}); CertificateRequest ${n(cr.messageBytes)} bytes in ${cr.records} record(s)`;
}

export function alertText(al: Alert): string {
  return `Alert from ${al.from}: ${al.level} ${al.description} (${al.code})${al.ms !== undefined ? ` at ${al.ms} ms` : ''}`;
}

/** What became of the client certificate; `rejected` is the word for a refused one (the CLI shouts it). */
export function clientCertificateFate(c: ProbeAttempt['clientCertificate'], rejected: string): string {
  if (!c.presented) return 'not sent (the server did not ask)';
  return c.accepted === true ? 'accepted' : c.accepted === false ? rejected : 'outcome unknown';
}

export function serverChainLines(chain: CertificateSummary[], judged?: ProbeResult['serverChain']): string[] {
  if (!chain.length) return [];
  const out = ['', 'Server certificate chain (as sent):', ...chain.map((c) => `  ${c.subject.rfc4514}  (issuer ${c.issuer.rfc4514}; ${c.validity.status}; ${c.thumbprintSha1})`)];
  if (judged) out.push(`  ${serverChainSentence(judged)}`, ...judged.problems.map((p) => `    - ${p}`));
  return out;
}

/** One sentence for the server's chain judged for server authentication (the CLI, bundles and the Probe page). */
export function serverChainSentence(judged: NonNullable<ProbeResult['serverChain']>): string {
  const words: Record<typeof judged.status, string> = {
    valid: `Valid for server authentication, up to ${judged.root ?? 'a root'} that this machine trusts.`,
    untrusted: `Not trusted here: the chain ends in ${judged.root ?? 'a root'} that is not among this machine's trusted roots.`,
    incomplete: "Incomplete here: an issuer of the server's chain is neither sent by the server nor in this machine's trusted roots.",
    invalid: 'Not valid for server authentication:',
    unverified: 'Trusted, but a signature in it could not be checked, so it is not counted as valid.',
  };
  return words[judged.status];
}

/** Consecutive entries of one TCP segment (same read or write) as one line, like a packet list. */
function segments(timeline: TimelineEntry[]): TimelineEntry[][] {
  const out: TimelineEntry[][] = [];
  for (const e of timeline) {
    const last = out[out.length - 1];
    const prev = last?.[last.length - 1];
    if (last && prev && prev.from === e.from && e.segment !== undefined && prev.segment === e.segment) last.push(e);
    else out.push([e]);
  }
  return out;
}

/** Who made an attempt, for reports that list several clients' attempts side by side. */
export function probeClientText(a: Pick<ProbeAttempt, 'client' | 'sslStream'>): string {
  if (a.client === 'powershell') return `PowerShell's .NET SslStream: ${a.sslStream?.runtime ?? 'runtime unknown'}`;
  if (a.client === 'certbench-tls13') return "Certbench's own TLS 1.3 client";
  return "Certbench's client (OpenSSL via Node)";
}

/**
 * What the SslStream client (PowerShell, Schannel on Windows) adds to an attempt: each call of the
 * certificate selection callback with the issuers Windows handed it, which personal certificates it
 * would offer for them and why not the others, and its failure in Schannel's or OpenSSL's own terms.
 */
export function sslStreamLines(d: SslStreamDetails, maxOffers = 20): string[] {
  const out: string[] = [];
  for (const c of d.selectionCalls) {
    if (!c.serverKnown && c.issuers.length === 0) continue;
    out.push(`  Selection callback ${c.when === 'after-request' ? 'after the request' : 'in the handshake'} at ${c.ms} ms: ${groupedNumber(c.issuers.length)} acceptable issuer(s); answered ${c.answered ?? 'no certificate'}`);
    for (const name of c.issuers.slice(0, 20)) out.push(`    ${name}`);
    if (c.issuers.length > 20) out.push(`    ... and ${groupedNumber(c.issuers.length - 20)} more (--json lists them all)`);
  }
  if (d.offers.length) {
    const offered = d.offers.filter((o) => o.wouldOffer);
    out.push(`  Personal certificates for these issuers: ${offered.length} of ${d.offers.length} would be offered`);
    for (const o of d.offers.slice(0, maxOffers)) {
      out.push(`    [${o.wouldOffer ? 'offered' : 'not offered'}] ${o.commonName ?? o.subject}  (${o.source}, ${o.thumbprint})${o.matchedCa ? `  matches CA "${o.matchedCa}"` : ''}`);
      for (const r of o.reasons) out.push(`        - ${r}`);
      for (const n of o.notes ?? []) out.push(`        note: ${n}`);
    }
    if (d.offers.length > maxOffers) out.push(`    ... and ${groupedNumber(d.offers.length - maxOffers)} more (--json lists them all)`);
  }
  if (d.serverCertificateErrors) out.push(`  Server certificate as .NET judged it: ${d.serverCertificateErrors} (the probe goes on regardless)`);
  if (d.failure) out.push(`  ${d.tlsStack === 'schannel' ? 'Schannel' : '.NET'} error: ${d.failure.name ?? 'unknown'}${d.failure.code ? ` (${d.failure.code})` : ''}: ${d.failure.words}`);
  for (const n of d.notes) out.push(`  Note: ${n}`);
  return out;
}

/** The packet list's header: SslStream attempts are moments .NET reported, not packets seen on the wire. */
export function timelineHeader(a: Pick<ProbeAttempt, 'client'>): string {
  return a.client === 'powershell'
    ? '        ms  direction        event  (as .NET SslStream reported it; not a packet capture)'
    : '        ms  direction        message  (* = sent encrypted, shown decrypted)';
}
