import type { ProbeAttempt, ProbeResult, TimelineEntry } from '../model/probe';
import { CA_LIST_LIMIT } from '../probe/findings';

/**
 * probes/<n>-<host>.timeline.txt of a bundle: each attempt as a packet list, the way the field notes
 * show Wireshark traces ("Server Hello, Certificate, Certificate Request, Server Hello Done" on one
 * line per TCP segment), with the CA names and their bytes against the 16,384-byte limit. Plain text
 * for a reader with no app (grep, a ticket).
 */
export function probeTimelineText(p: ProbeResult, index: number): string {
  const t = p.target;
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  const lines = [`Probe ${index + 1}: https://${host}:${t.port}${t.path}${t.servername ? ` (SNI ${t.servername})` : ' (no SNI: IP address)'}`, `Started ${p.startedAt}, took ${Math.round(p.durationMs)} ms`];
  if (p.summary) lines.push(p.summary);
  if (p.error) lines.push(`Error: ${p.error}`);
  lines.push(`Client certificate asked: ${p.clientAuth.mode}${p.clientAuth.reason ? ` (${p.clientAuth.reason})` : ''}`);
  for (const a of p.attempts) lines.push('', ...attemptLines(a));
  if (p.serverCertificates.length) {
    lines.push('', 'Server certificate chain (as sent):');
    for (const c of p.serverCertificates) lines.push(`  ${c.subject.rfc4514}  (issuer ${c.issuer.rfc4514}; ${c.validity.status}; ${c.thumbprintSha1})`);
  }
  if (p.findings.length) {
    lines.push('', 'Findings:');
    for (const f of p.findings) lines.push(`  [${f.severity}] ${f.id}: ${f.title}`);
  }
  return `${lines.join('\n')}\n`;
}

function attemptLines(a: ProbeAttempt): string[] {
  const http = a.http ? `HTTP ${a.http.status}${a.http.subStatus !== null ? `.${a.http.subStatus}` : ''} ${a.http.reason}`.trim() : null;
  const head = [a.tls.version ?? 'no TLS', a.tls.cipher, http, a.durationMs !== undefined ? `${Math.round(a.durationMs)} ms` : null].filter(Boolean).join(' | ');
  const out = [`== ${a.label}: ${head}`];
  if (a.timeline.length) {
    out.push('        ms  direction         message  (* = sent encrypted, shown decrypted)');
    for (const group of segments(a.timeline)) {
      const first = group[0]!;
      const arrow = first.from === 'client' ? 'client -> server' : 'server -> client';
      out.push(`  ${first.ms.toFixed(1).padStart(8)}  ${arrow}  ${group.map((e) => `${e.encrypted ? '*' : ''}${e.message}`).join(', ')}`);
    }
  }
  out.push(`  Client certificate asked: ${a.clientAuth.mode}${a.clientAuth.reason ? ` (${a.clientAuth.reason})` : ''}`);
  const cr = a.clientAuth.certificateRequest;
  if (cr) {
    const n = (x: number) => x.toLocaleString('en-US');
    out.push(`  CA names: ${n(cr.caNames.length)}, ${n(cr.caNamesBytes)} of ${n(CA_LIST_LIMIT)} bytes (${cr.caNamesBytes > CA_LIST_LIMIT ? 'OVER the limit' : 'within the limit'}); CertificateRequest ${n(cr.messageBytes)} bytes in ${cr.records} record(s), ${cr.carriedBy}`);
    for (const name of cr.caNames) out.push(`    ${name}`);
  }
  for (const al of a.alerts) out.push(`  Alert from ${al.from}: ${al.level} ${al.description} (${al.code})${al.ms !== undefined ? ` at ${al.ms} ms` : ''}`);
  if (a.clientCertificate.thumbprint) {
    const fate = a.clientCertificate.presented ? (a.clientCertificate.accepted === true ? 'accepted' : a.clientCertificate.accepted === false ? 'rejected' : 'outcome unknown') : 'not sent (the server did not ask)';
    out.push(`  Client certificate ${a.clientCertificate.thumbprint}: ${fate}`);
  }
  out.push(`  Ending: ${a.ending}`);
  if (a.error) out.push(`  Error: ${a.error}`);
  return out;
}

/** Consecutive entries of one TCP segment as one line, like a packet list. */
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
