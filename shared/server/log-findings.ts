import { finding, type Evidence, type Finding, type FindingId } from '../findings/catalogue';
import type { W3cLogStats } from '../model/server';
import { revocationLogFindings } from './revocation-log-findings';

/**
 * Findings from IIS W3C log statistics (DESIGN.md: log.500-64-before-403-7 and the http.403.* rows,
 * seen from the server's side). Pure. Several logs (a folder of daily files) add up into one finding
 * per kind, with evidence per file.
 */

const MAX_EXAMPLES = 5;

/** "2015-09-06T15:46:29Z" back into the log's own "2015-09-06 15:46:29" (UTC), so users can grep for it. */
const logTime = (isoTime: string | null) => (isoTime ? isoTime.replace('T', ' ').replace(/Z$/, '') : '?');

const times = (n: number) => `${n.toLocaleString('en-US')} time${n === 1 ? '' : 's'}`;

function secondsBetween(a: string, b: string): number | null {
  const d = (Date.parse(b) - Date.parse(a)) / 1000;
  return Number.isFinite(d) ? d : null;
}

/** log.500-64-before-403-7: field note 001 item 11. */
function pattern500Then4037(stats: W3cLogStats[]): Finding[] {
  const total = stats.reduce((n, s) => n + (s.pattern500Then4037Total ?? s.pattern500Then4037.length), 0);
  if (!total) return [];
  const evidence: Evidence[] = [];
  let shown = 0;
  for (const s of stats) {
    for (const p of s.pattern500Then4037) {
      if (shown >= MAX_EXAMPLES) break;
      shown++;
      const gap = secondsBetween(p.at500, p.at403);
      evidence.push({ kind: 'log line', text: `${s.source} line ${p.line500}: ${logTime(p.at500)} ${p.url} from ${p.client}: 500, sc-win32-status 64` });
      evidence.push({
        kind: 'log line',
        text: `${s.source}${p.line403 !== undefined ? ` line ${p.line403}` : ''}: ${logTime(p.at403)} ${p.url403 ?? p.url} from ${p.client}: 403.7${gap !== null ? ` (${gap} s later)` : ''}`,
      });
    }
  }
  if (total > shown) evidence.push({ kind: 'more', text: `and ${(total - shown).toLocaleString('en-US')} more in ${stats.filter((s) => (s.pattern500Then4037Total ?? s.pattern500Then4037.length) > 0).map((s) => s.source).join(', ')}` });
  return [
    finding(
      'log.500-64-before-403-7',
      'A 500 error hides the real cause of the 403.7',
      `The server log shows, ${times(total)}, a request answered 500 with sc-win32-status 64 (ERROR_NETNAME_DELETED: the connection went away) followed shortly by a 403.7 for the same client. This is the pattern of the IIS support checklist "403.7 and 500 Client Certificate Authentication Errors" (item 11): IIS asked for the client certificate late, by renegotiating after the request was read, the certificate was not read completely, and the client ends with 403.7 although it may have chosen a certificate. Fix: turn on client certificate negotiation on the HTTP.SYS binding so the certificate is asked for during the handshake (netsh http update sslcert ... clientcertnegotiation=enable, or DefaultFlags = 2 under SslBindingInfo for that IP:port, which needs a restart).`,
      evidence,
      { params: { serverSoftware: 'iis' } },
    ),
  ];
}

interface StatusWords {
  id: FindingId;
  title: string;
  detail: string;
}

/** What each client-certificate sub-status means and what to do (reference 7, KB 943891). */
const STATUS: Record<string, StatusWords> = {
  '403.7': {
    id: 'http.403.7',
    title: 'The server log shows 403.7: client certificate required',
    detail:
      'IIS required a client certificate and the request arrived without one. Usually the client has no certificate whose issuer is among the CA names the server sends (or none with Client Authentication and a private key), the certificate is requested only by renegotiation and something in between breaks it, or a non-self-signed certificate in the server\'s Trusted Root store makes Windows refuse the certificate (KB 2802568). Probe the URL with the user\'s certificate to see which.',
  },
  '403.13': {
    id: 'http.403.13',
    title: 'The server log shows 403.13: client certificate revoked',
    detail:
      'IIS found the client certificate revoked, or could not check its revocation. The sc-win32-status says which: CRYPT_E_REVOKED means the issuing CA revoked it (issue a new certificate); CRYPT_E_REVOCATION_OFFLINE means the server could not reach the CRL or OCSP address in the certificate (open the server\'s access to it).',
  },
  '403.16': {
    id: 'http.403.16',
    title: 'The server log shows 403.16: client certificate not trusted',
    detail:
      'IIS could not build the client certificate\'s chain to a root the server trusts. Install the client certificate\'s root CA in the server\'s Trusted Root Certification Authorities (Local Computer) and its intermediate CAs in Intermediate Certification Authorities.',
  },
  '403.17': {
    id: 'http.403.17',
    title: 'The server log shows 403.17: client certificate expired or not yet valid',
    detail: 'The client certificate is outside its validity period on the server\'s clock. Renew the certificate, or correct the clock of the client or server if the dates look right.',
  },
};

/** sc-win32-status 2148204809 with 403.16 is the case KB 2802568 documents. */
const UNTRUSTED_ROOT = '2148204809';

function statusFindings(stats: W3cLogStats[]): Finding[] {
  const out: Finding[] = [];
  for (const [status, words] of Object.entries(STATUS)) {
    const perLog = stats.map((s) => ({ s, f: s.clientCertFailures.find((c) => c.status === status) })).filter((x) => x.f && x.f.count > 0);
    if (!perLog.length) continue;
    const total = perLog.reduce((n, x) => n + x.f!.count, 0);
    const evidence: Evidence[] = [];
    let untrustedRoot = false;
    for (const { s, f } of perLog) {
      const when = f!.firstSeen === f!.lastSeen ? `at ${logTime(f!.firstSeen)}` : `from ${logTime(f!.firstSeen)} to ${logTime(f!.lastSeen)}`;
      evidence.push({ kind: 'log', text: `${s.source}: ${status} ${times(f!.count)}, ${when} (UTC)` });
      const url = f!.byUrl[0];
      const client = f!.byClient[0];
      if (url) evidence.push({ kind: 'url', text: `most on ${url.key} (${times(url.count)})` });
      if (client) evidence.push({ kind: 'client', text: `most from ${client.key} (${times(client.count)})` });
      for (const w of s.win32Statuses.filter((x) => x.status === status)) {
        evidence.push({ kind: 'sc-win32-status', text: `${w.meaning} (${times(w.count)})` });
        if (status === '403.16' && w.win32 === UNTRUSTED_ROOT) untrustedRoot = true;
      }
    }
    const kb = untrustedRoot
      ? ' The log\'s sc-win32-status 2148204809 (0x800B0109 CERT_E_UNTRUSTEDROOT) is the case of KB 2802568: besides a missing root, check the server\'s Trusted Root store for certificates that are not self-signed (an intermediate placed there) and move them to Intermediate Certification Authorities.'
      : '';
    out.push(finding(words.id, `${words.title} (${times(total)})`, `${words.detail}${kb}`, evidence, { params: { serverSoftware: 'iis' } }));
  }
  return out;
}

/** log.500-64-before-403-7, the http.403.7|13|16|17 findings and the revocation failures seen in server logs. */
export function logFindings(stats: W3cLogStats[]): Finding[] {
  return [...pattern500Then4037(stats), ...statusFindings(stats), ...revocationLogFindings(stats)];
}
