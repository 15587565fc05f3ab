import type { ProbeAttempt, ProbeResult } from '../model/probe';
import { alertText, caNamesText, clientAuthText, clientCertificateFate, httpText, packetListRows, probeClientText, probeTargetText, serverChainLines, sslStreamLines, timelineHeader } from '../probe/report-lines';

/**
 * probes/<n>-<host>.timeline.txt of a bundle: each attempt as a packet list, the way the field notes
 * show Wireshark traces ("Server Hello, Certificate, Certificate Request, Server Hello Done" on one
 * line per TCP segment), with the CA names and their bytes against the 16,384-byte limit. Plain text
 * for a reader with no app (grep, a ticket); the lines it shares with `certbench probe` come from
 * shared/probe/report-lines.
 */
export function probeTimelineText(p: ProbeResult, index: number): string {
  const lines = [`Probe ${index + 1}: ${probeTargetText(p.target)}`, `Started ${p.startedAt}, took ${Math.round(p.durationMs)} ms`];
  if (p.summary) lines.push(p.summary);
  if (p.error) lines.push(`Error: ${p.error}`);
  lines.push(clientAuthText(p.clientAuth));
  for (const a of p.attempts) lines.push('', ...attemptLines(a));
  lines.push(...serverChainLines(p.serverCertificates, p.serverChain));
  if (p.findings.length) {
    lines.push('', 'Findings:');
    for (const f of p.findings) lines.push(`  [${f.severity}] ${f.id}: ${f.title}`);
  }
  return `${lines.join('\n')}\n`;
}

function attemptLines(a: ProbeAttempt): string[] {
  const head = [a.tls.version ?? 'no TLS', a.tls.cipher, httpText(a.http), a.durationMs !== undefined ? `${Math.round(a.durationMs)} ms` : null].filter(Boolean).join(' | ');
  const out = [`== ${a.label}: ${head}`];
  if (a.client === 'powershell' || a.client === 'certbench-tls13') out.push(`  Client: ${probeClientText(a)}`);
  if (a.timeline.length) out.push(timelineHeader(a), ...packetListRows(a.timeline));
  out.push(`  ${clientAuthText(a.clientAuth)}`);
  const cr = a.clientAuth.certificateRequest;
  if (cr) {
    out.push(`  ${caNamesText(cr)}, ${cr.carriedBy}`);
    for (const name of cr.caNames) out.push(`    ${name}`);
  }
  for (const al of a.alerts) out.push(`  ${alertText(al)}`);
  if (a.clientCertificate.thumbprint) out.push(`  Client certificate ${a.clientCertificate.thumbprint}: ${clientCertificateFate(a.clientCertificate, 'rejected')}`);
  if (a.sslStream) out.push(...sslStreamLines(a.sslStream));
  out.push(`  Ending: ${a.ending}`);
  if (a.error) out.push(`  Error: ${a.error}`);
  return out;
}
