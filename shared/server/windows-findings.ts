import { finding, type Evidence, type Finding } from '../findings/catalogue';
import type { SchannelEvent, SchannelEventSummary, SchannelSettings, SslBinding } from '../model/server';
import { netshLineOf } from './netsh-sslcert';
import { sendsNoIssuerListByDefault } from './registry-export';
import { revocationEventFindings } from './revocation-log-findings';
import { alertName, eventLine } from './schannel-events';

/**
 * The schannel.* and iis.client-cert-negotiation-off rules over HTTP.SYS bindings, Schannel settings
 * and Schannel events (DESIGN.md catalogue; reference sections 4-6 and 9). Pure, so the live
 * collection, attached files and bundles are judged alike.
 */

const SCHANNEL_KEY = 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL';

/** The OS version inside SchannelSettings.os ("Windows Server 2019 Datacenter 10.0.17763"). */
function osOf(settings: SchannelSettings): { version: string } | null {
  const m = settings.os ? /(\d+\.\d+)(?:\.\d+)*/.exec(settings.os) : null;
  return m ? { version: m[0] } : null;
}

/**
 * schannel.trusted-issuer-list-off: SendTrustedIssuerList is 0, or absent where that means 0
 * (Windows Server 2012 and later; assumed when the OS is not known, since 2008 R2 is out of support).
 * Info, not an error: it is the default, and it only matters when clients need the names to choose.
 */
export function schannelFindings(settings: SchannelSettings): Finding[] {
  // Values of a key the evidence does not hold are unknown: nothing to say about them.
  if (settings.keyInExport === false) return [];
  const value = settings.sendTrustedIssuerList;
  const modern = sendsNoIssuerListByDefault(osOf(settings));
  if (value !== 0 && !(value === null && modern !== false)) return [];
  const evidence: Evidence[] = [
    {
      kind: 'registry',
      text:
        value === 0
          ? `${SCHANNEL_KEY} SendTrustedIssuerList = 0`
          : `${SCHANNEL_KEY} SendTrustedIssuerList not set (${modern === true ? 'means 0 on this Windows version' : 'means 0 on Windows Server 2012 and later'})`,
    },
  ];
  if (settings.os) evidence.push({ kind: 'os', text: settings.os });
  return [
    finding(
      'schannel.trusted-issuer-list-off',
      'The server sends no CA names when it asks for a client certificate',
      `${settings.impliedIssuerList} This is the default since Windows Server 2012; it matters when a client cannot pick the right certificate without the names (several certificates, or an automatic choice). Setting SendTrustedIssuerList to 1 sends the names, from the binding's CTL store, else the Client Authentication Issuers store, else Trusted Root, limited to 16 KB.`,
      evidence,
      { params: {} },
    ),
  ];
}

/** The line that shows a binding's negotiation setting, as netsh printed it or as the registry holds it. */
function negotiationEvidence(b: SslBinding): Evidence {
  const netsh = netshLineOf(b, 'negotiateClientCertificate');
  if (netsh) return { kind: 'netsh', text: `${b.key}: ${netsh.trim()}` };
  const regKey = b.fields.find((f) => f.label === 'Registry key')?.value;
  if (regKey) {
    const flags = b.fields.find((f) => f.label.toLowerCase() === 'defaultflags');
    const shown = !flags || flags.value.startsWith('(') ? 'not set (0)' : `= ${flags.value}`;
    return { kind: 'registry', text: `${regKey} DefaultFlags ${shown}: NEGOTIATE_CLIENT_CERT (0x2) is clear` };
  }
  return { kind: 'binding', text: `${b.key}: Negotiate Client Certificate disabled` };
}

/**
 * iis.client-cert-negotiation-off per binding with negotiation off: IIS then asks for the certificate
 * only after the request, by TLS 1.2 renegotiation, which TLS 1.3 does not have and which fails when
 * a request body has to be read first (reference 8; field note 001 item 11). `clientCertRequiredPaths`
 * are the IIS applications that accept or require a certificate, named in the detail when given.
 */
export function bindingFindings(bindings: SslBinding[], options: { clientCertRequiredPaths?: string[] } = {}): Finding[] {
  const paths = options.clientCertRequiredPaths ?? [];
  const out: Finding[] = [];
  for (const b of bindings) {
    if (b.negotiateClientCertificate !== false) continue;
    const who = paths.length
      ? ` Applications that ask for a client certificate: ${paths.slice(0, 10).join(', ')}${paths.length > 10 ? `, and ${paths.length - 10} more` : ''}.`
      : '';
    const tls13 =
      b.disableTls13 === true
        ? ' TLS 1.3 is disabled on this binding, so the renegotiation works, but a large request body before it still fails.'
        : ' Under TLS 1.3 there is no renegotiation: the connection is reset, or the request ends in 500 (0x80070032) on Windows Server 2025.';
    const param = b.kind === 'ipport' ? 'ipport' : b.kind === 'hostnameport' ? 'hostnameport' : 'ccs';
    out.push(
      finding(
        'iis.client-cert-negotiation-off',
        `HTTP.SYS binding ${b.key} asks for client certificates only after the request`,
        `Negotiate Client Certificate is off on ${b.key}, so IIS requests the client certificate by TLS 1.2 renegotiation after the request has arrived.${tls13} A request with a body can fail with 500 and win32 status 64 followed by 403.7. "netsh http update sslcert ${param}=${b.key} ... clientcertnegotiation=enable" asks for it in the first handshake.${who}`,
        [negotiationEvidence(b)],
        {
          params: {
            binding: b.key,
            bindingKind: b.kind,
            ...(b.certificateHash ? { certHash: b.certificateHash } : {}),
            ...(b.appId ? { appId: b.appId } : {}),
            ...(b.certificateStoreName ? { certStoreName: b.certificateStoreName } : {}),
          },
        },
      ),
    );
  }
  return out;
}

/** Alerts that say a certificate was refused or missing (reference 9; DESIGN.md server.rejected-certificate). */
const CERT_ALERTS = new Set([40, 42, 43, 44, 45, 46, 47, 48, 49, 116]);
const MAX_EVIDENCE = 5;

const evidenceOf = (events: SchannelEvent[]): Evidence[] => events.slice(0, MAX_EVIDENCE).map((e) => ({ kind: 'event', text: eventLine(e) }));
const times = (n: number) => (n === 1 ? 'once' : `${n} times`);

/** What an alert says, by who sent it: on an IIS server 36888 is the server refusing, 36887 the client. */
function alertWords(id: number, code: number): string {
  const name = `${code} ${alertName(code)}`;
  if (id === 36888) {
    if (code === 116) return `This machine sent alert ${name}: it required a client certificate and the client sent none (TLS 1.3).`;
    if (code === 40) return `This machine sent alert ${name}: often a client certificate was required and missing, or no protocol or cipher suite was shared.`;
    return `This machine sent alert ${name}: as a server it refused the client's certificate (${alertReason(code)}).`;
  }
  return `The other side sent alert ${name}: it refused a certificate this machine sent (${alertReason(code)}). On an IIS server that is usually the client refusing the server certificate; when this machine is the client, its client certificate.`;
}

function alertReason(code: number): string {
  switch (code) {
    case 42:
      return 'bad certificate';
    case 43:
      return 'a certificate type or usage it does not support';
    case 44:
      return 'revoked';
    case 45:
      return 'expired or not yet valid';
    case 46:
      return 'not trusted or not checkable, for example revocation offline';
    case 47:
      return 'an illegal parameter; with KB 2801679 a sign of a truncated CA list';
    case 48:
      return 'its issuer is not trusted there';
    case 49:
      return 'access denied after validation';
    case 116:
      return 'a certificate was required and none was sent';
    default:
      return 'handshake failure';
  }
}

/**
 * schannel.ca-list-truncated (36885), schannel.client-cert-alert (36887/36888 with a certificate
 * alert, one finding per event id and alert), schannel.server-key-unreadable (36870) and
 * revocation.revoked (36888 with alert 44), each with the event lines as evidence. Alert counts cover the events a summary keeps (the newest ones).
 */
export function eventFindings(summaries: SchannelEventSummary[]): Finding[] {
  const out: Finding[] = [];
  for (const s of summaries) {
    const count = (id: number) => s.byId.find((x) => x.id === id)?.count ?? 0;
    const of = (id: number) => s.recent.filter((e) => e.id === id);
    const from = ` (${s.source})`;

    const truncated = count(36885);
    if (truncated) {
      out.push(
        finding(
          'schannel.ca-list-truncated',
          'Schannel cut the list of trusted CAs it sends to clients',
          `Warning 36885 was logged ${times(truncated)}${from}: the CA names this server sends when it asks for a client certificate passed 16 KB, so Schannel truncated the list and clients whose CA fell off it offer no certificate (403.7). Remove trusted roots that client authentication does not need, put the needed CAs in the Client Authentication Issuers store or a CTL store, or set SendTrustedIssuerList to 0 (KB 933430, KB 2801679).`,
          evidenceOf(of(36885)),
        ),
      );
    }

    const groups = new Map<string, SchannelEvent[]>();
    for (const e of s.recent) {
      if ((e.id !== 36887 && e.id !== 36888) || !e.alert || !CERT_ALERTS.has(e.alert.code)) continue;
      const k = `${e.id}:${e.alert.code}`;
      groups.set(k, [...(groups.get(k) ?? []), e]);
    }
    for (const events of groups.values()) {
      const e = events[0]!;
      const code = e.alert!.code;
      out.push(
        finding(
          'schannel.client-cert-alert',
          `Schannel ${e.id === 36888 ? 'sent' : 'received'} fatal alert ${code} ${alertName(code)}`,
          `${alertWords(e.id, code)} Event ${e.id} ${times(events.length)} among the ${s.recent.length} most recent events${from}.`,
          evidenceOf(events),
        ),
      );
    }

    const key = count(36870);
    if (key) {
      const code = /0x[0-9a-f]{8}/i.exec(of(36870)[0]?.message ?? '')?.[0];
      out.push(
        finding(
          'schannel.server-key-unreadable',
          "Schannel could not use the server certificate's private key",
          `Error 36870 was logged ${times(key)}${from}${code ? ` with ${code}` : ''}: the server certificate's private key is missing, damaged, or not readable by SYSTEM, so handshakes on the binding fail (and IIS cannot add the binding: 0x80070520). Re-import the certificate with its key into LocalMachine\\My, or give SYSTEM read access to the key file.`,
          evidenceOf(of(36870)),
        ),
      );
    }
  }
  return [...out, ...revocationEventFindings(summaries)];
}
