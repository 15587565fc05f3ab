import type { ProbeAttempt, TimelineEntry } from '../../../../shared/model/probe';
import { messageFromText, type MessageKind, type TimelineMessage } from '../../../../shared/probe/timeline-message';
import { isCertificateRejectionAlert } from '../../../../shared/tls/names';
import { capitalise } from '../common/words';

/**
 * Words for what the probe saw, kept apart from the components so they can be tested as plain
 * functions. Each timeline line carries its fields (kind, name, detail: shared/probe/timeline-message.ts),
 * written by the probe (electron/services/probe) as it records: TLS message names as Wireshark's
 * packet list prints them, alerts, HTTP lines, and connection events ("TCP connected", "TCP reset by
 * the server", "Connection closed by ...").
 */

export type Tone = 'good' | 'bad' | 'neutral';

export type { MessageKind };
export type ParsedMessage = Omit<TimelineMessage, 'message'>;

/** Events the probe records beside the TLS messages: they belong to neither side's arrow. */
export function isEvent(entry: Pick<TimelineEntry, 'message' | 'kind'>): boolean {
  return parseMessage(entry).kind === 'event';
}

/**
 * The line's fields as the probe wrote them; a timeline from a bundle made by an earlier version
 * (no fields) is read from its text by the shared reader.
 */
export function parseMessage(entry: Pick<TimelineEntry, 'message' | 'kind' | 'name' | 'detail' | 'bad' | 'status' | 'alert'>): ParsedMessage {
  if (entry.kind && entry.name !== undefined) {
    return {
      kind: entry.kind,
      name: entry.name,
      detail: entry.detail ?? null,
      bad: entry.bad ?? false,
      ...(entry.status !== undefined ? { status: entry.status } : {}),
      ...(entry.alert !== undefined ? { alert: entry.alert } : {}),
    };
  }
  const { message: _text, ...fields } = messageFromText(entry.message);
  return fields;
}

/** One arrow or event of the diagram, and the packet (TCP read or write) it travelled in. */
export interface DiagramGroup {
  /** Same segment: one line of a packet list ("ServerHello, Certificate, ServerHelloDone"). */
  entries: { entry: TimelineEntry; index: number }[];
  from: TimelineEntry['from'];
  ms: number;
  event: boolean;
}

/**
 * Consecutive entries that share a segment travelled together; entries without one (events, and the
 * post-handshake client's messages, which it records one by one) stand alone.
 */
export function groupTimeline(timeline: TimelineEntry[]): DiagramGroup[] {
  const groups: DiagramGroup[] = [];
  timeline.forEach((entry, index) => {
    const event = isEvent(entry);
    const last = groups[groups.length - 1];
    const first = last?.entries[0]?.entry;
    if (last && !event && !last.event && entry.segment !== undefined && first?.segment === entry.segment && last.from === entry.from) {
      last.entries.push({ entry, index });
    } else {
      groups.push({ entries: [{ entry, index }], from: entry.from, ms: entry.ms, event });
    }
  });
  return groups;
}

/** "12.5 ms", "1,204 ms". */
export function formatMs(ms: number): string {
  const rounded = ms >= 100 ? Math.round(ms) : Math.round(ms * 10) / 10;
  return `${rounded.toLocaleString('en-US')} ms`;
}

/** "16,384". Numbers people compare with a documented limit are written the way the KB article writes them. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export interface AttemptWords {
  /** "TLS 1.2", "TLS 1.3", or what was tried when no session came up. */
  version: string;
  /** How the server asked for a certificate, in words, or null when the outcome says it all. */
  asked: string | null;
  /** What came of the attempt: "HTTP 403.7 Forbidden", "the server reset the connection after the request". */
  outcome: string;
  tone: Tone;
  /** One line: "TLS 1.2: the server asked only after the request, by renegotiation (...); HTTP 403.7 Forbidden". */
  sentence: string;
  /** A short tag for the attempt's tab: "HTTP 200", "HTTP 403.7", "Alert protocol_version", "Reset". */
  badge: string;
}

const ASKED: Record<Exclude<ProbeAttempt['clientAuth']['mode'], 'unknown'>, string> = {
  handshake: 'the server asked for a certificate in the handshake',
  renegotiation: 'the server asked only after the request, by renegotiation (HelloRequest, second handshake)',
  'post-handshake': 'the server asked after the request, by TLS 1.3 post-handshake authentication',
  none: 'the server never asked for a certificate',
};

function triedVersion(a: ProbeAttempt): string {
  if (a.tls.version) return a.tls.version;
  if (a.kind === 'tls1.2') return 'TLS 1.2';
  if (a.kind === 'tls1.3' || a.kind === 'post-handshake' || a.kind === 'post-handshake-client-certificate') return 'TLS 1.3';
  return 'No TLS session';
}

/** The service's one-line messages start in lower case (they are also read mid-sentence); alone, they start a sentence (a file name keeps its case). */
export { capitalise } from '../common/words';

export function httpWords(http: NonNullable<ProbeAttempt['http']>): string {
  return `HTTP ${http.status}${http.subStatus !== null ? `.${http.subStatus}` : ''} ${http.reason}`.trim();
}

/**
 * How one attempt behaved, said so that attempts side by side tell the story: the IIS case reads
 * "TLS 1.3: the server never asked for a certificate; the server reset the connection after the
 * request" next to "TLS 1.2: the server asked only after the request, by renegotiation (...); HTTP 403.7".
 */
export function describeAttempt(a: ProbeAttempt): AttemptWords {
  const version = triedVersion(a);
  let asked: string | null = a.clientAuth.mode === 'unknown' ? a.clientAuth.reason : ASKED[a.clientAuth.mode];
  let outcome: string;
  let tone: Tone = 'neutral';
  let badge: string;
  if (a.http) {
    outcome = httpWords(a.http);
    tone = a.http.status < 400 ? 'good' : 'bad';
    badge = `HTTP ${a.http.status}${a.http.subStatus !== null ? `.${a.http.subStatus}` : ''}`;
  } else {
    outcome = a.error ?? a.ending;
    tone = a.error ? 'bad' : 'neutral';
    const fatal = a.alerts.find((x) => x.level === 'fatal');
    badge = fatal ? `Alert ${fatal.description}` : /reset/i.test(outcome) ? 'Reset' : /timeout/i.test(outcome) ? 'Timeout' : a.error ? 'Failed' : 'No answer';
  }
  // An unknown mode's reason is often the error itself: say it once.
  if (asked && (asked === outcome || outcome.includes(asked) || asked.includes(outcome))) asked = null;
  if (a.clientCertificate.presented) {
    const verdict =
      a.clientCertificate.accepted === true ? 'the certificate was sent and accepted' : a.clientCertificate.accepted === false ? 'the certificate was sent and not accepted' : 'the certificate was sent';
    outcome = `${verdict}; ${outcome}`;
  } else if (a.kind === 'client-certificate' || a.kind === 'post-handshake-client-certificate') {
    outcome = `the certificate was not sent; ${outcome}`;
  }
  const sentence = `${version}: ${asked ? `${asked}; ` : ''}${outcome}`;
  return { version, asked, outcome, tone, sentence, badge };
}

/** The attempt whose diagram to show first: the one that shows how the server asks, else the first. */
export function preferredAttempt(attempts: ProbeAttempt[], label: string | null | undefined): number {
  const byLabel = label ? attempts.findIndex((a) => a.label === label) : -1;
  if (byLabel >= 0) return byLabel;
  const withRequest = attempts.findIndex((a) => a.clientAuth.certificateRequest !== null);
  return withRequest >= 0 ? withRequest : 0;
}

/** The limit on the CA names Windows (Schannel) sends or takes in a CertificateRequest (KB 933430). */
export const WINDOWS_CA_LIST_LIMIT = 16_384;

/** "alert 70, protocol version": the number a packet capture shows, then the RFC 8446 name in words. */
export function alertWords(alert: { code: number; description: string }): string {
  return `alert ${alert.code}, ${alert.description.replace(/_/g, ' ')}`;
}

export interface ProbeHeadline {
  /** The problem (or the success) in words a helpdesk user acts on; the mechanism comes after, in the details. */
  text: string;
  tone: Tone;
}

type HeadlineInput = {
  attempts: ProbeAttempt[];
  clientAuth: { mode: ProbeAttempt['clientAuth']['mode'] };
  findings: { id: string; severity: string }[];
  summary?: string;
};

/**
 * The probe's headline names the problem, not the mechanism, most decisive first: a CA
 * list Windows cannot carry, a TLS version the server refuses, a certificate the server refused, an
 * IIS 403.x with how the server asks, a server that never asks; a success only when the certificate
 * went through with an answer below 400 (a success never carries a 403).
 */
export function probeHeadline(result: HeadlineInput): ProbeHeadline {
  const attempts = result.attempts;
  const oversized = attempts.find((a) => a.oversized && /CertificateRequest/.test(a.oversized.message))?.oversized;
  if (oversized) {
    return {
      text: `The server's CA list is larger than Windows can send (the server declared ${formatCount(oversized.declaredBytes)} bytes; the limit is ${formatCount(WINDOWS_CA_LIST_LIMIT)}).`,
      tone: 'bad',
    };
  }
  const request = attempts.map((a) => a.clientAuth.certificateRequest).find((r) => r !== null && r.caNamesBytes > WINDOWS_CA_LIST_LIMIT);
  if (request) {
    return { text: `The server's CA list is larger than Windows can send (${formatCount(request.caNamesBytes)} of ${formatCount(WINDOWS_CA_LIST_LIMIT)} bytes).`, tone: 'bad' };
  }

  const withCert = attempts.find((a) => a.clientCertificate.presented);
  if (withCert && withCert.clientCertificate.accepted === false) {
    const alert = withCert.alerts.find((x) => x.from === 'server' && x.level === 'fatal' && isCertificateRejectionAlert(x.code));
    const why = alert ? alertWords(alert) : withCert.http ? httpWords(withCert.http) : (withCert.error ?? withCert.ending);
    return { text: `The server refused the client certificate (${why}).`, tone: 'bad' };
  }

  // A version the server does not speak, forced on purpose (Probe's TLS selector): the answer to what was asked.
  const refused = attempts.filter((a) => (a.kind === 'tls1.2' || a.kind === 'tls1.3') && !a.tls.version);
  const versionAlert = refused.map((a) => ({ a, alert: a.alerts.find((x) => x.from === 'server' && x.code === 70) })).find((x) => x.alert);
  const anySession = attempts.some((a) => a.tls.version);
  if (versionAlert && !anySession) {
    return { text: `The server refused ${versionAlert.a.kind === 'tls1.2' ? 'TLS 1.2' : 'TLS 1.3'} (${alertWords(versionAlert.alert!)}).`, tone: 'bad' };
  }

  const iis = attempts.find((a) => a.http?.status === 403 && a.http.subStatus !== null);
  const accepted = withCert && withCert.clientCertificate.accepted === true && withCert.http !== null && withCert.http.status < 400;
  if (accepted && !result.findings.some((f) => f.severity === 'error')) {
    return { text: 'The server accepts the client certificate.', tone: 'good' };
  }
  const how: Partial<Record<ProbeAttempt['clientAuth']['mode'], string>> = {
    renegotiation: 'the server asks for the certificate only after the request, by TLS 1.2 renegotiation',
    'post-handshake': 'the server asks for the certificate after the request, by TLS 1.3 post-handshake authentication',
    handshake: 'the server asks for the certificate in the handshake',
    none: 'the server never asks for a certificate',
  };
  if (iis) {
    const meaning = IIS_403[iis.http!.subStatus!] ?? iis.http!.reason;
    const asked = how[result.clientAuth.mode];
    return { text: `The server answers 403.${iis.http!.subStatus} (${meaning})${asked ? `: ${asked}` : ''}.`, tone: 'bad' };
  }
  if (result.clientAuth.mode === 'none') return { text: 'The server never asks for a client certificate on this address.', tone: 'neutral' };
  const refusedAny = attempts.find((a) => a.http && a.http.status >= 400);
  if (refusedAny) return { text: `The server answers ${httpWords(refusedAny.http!)}${how[result.clientAuth.mode] ? `: ${how[result.clientAuth.mode]}` : ''}.`, tone: 'bad' };
  const asked = how[result.clientAuth.mode];
  if (asked) return { text: `${capitalise(asked)}.`, tone: result.findings.some((f) => f.severity === 'error') ? 'bad' : 'neutral' };
  return { text: result.summary ?? 'The probe could not tell how the server asks for a certificate.', tone: 'neutral' };
}

/** IIS 403 sub-statuses of client-certificate authentication, as IIS names them. */
const IIS_403: Record<number, string> = {
  7: 'client certificate required',
  13: 'client certificate revoked',
  16: 'client certificate untrusted or invalid',
  17: 'client certificate expired or not yet valid',
};
