import type { CertificateSummary } from '../model/certificate';
import type { Alert, CertificateRequestInfo, ProbeAttempt, ProbeResult, TimelineEntry } from '../model/probe';
import { CA_LIST_LIMIT } from './findings';

/**
 * The lines a probe's plain-text reports share: `certbench probe` (electron/cli-probe.ts) and a bundle's
 * probes/<n>-<host>.timeline.txt (shared/bundle/timeline-text.ts) say these the same way, so a reader
 * who knows one knows the other. Each report keeps its own header and what only it shows.
 */

/** en-US grouping: "16,384", as DESIGN.md writes byte counts. */
export const groupedNumber = (n: number): string => n.toLocaleString('en-US');

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

export function serverChainLines(chain: CertificateSummary[]): string[] {
  if (!chain.length) return [];
  return ['', 'Server certificate chain (as sent):', ...chain.map((c) => `  ${c.subject.rfc4514}  (issuer ${c.issuer.rfc4514}; ${c.validity.status}; ${c.thumbprintSha1})`)];
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
