import type { ProbeAttempt, TimelineEntry } from '../../../../shared/model/probe';

/**
 * Words for what the probe saw, kept apart from the components so they can be tested as plain
 * functions. The timeline's message strings come from the probe (electron/services/probe): TLS
 * message names as Wireshark's packet list prints them ("ServerHello", "CertificateRequest (2 CA
 * names, 149 bytes of names)", "Alert (fatal): protocol_version", "Application Data (GET / HTTP/1.1)"),
 * plus connection events ("TCP connected", "TCP reset by the server", "Connection closed by ...").
 */

export type Tone = 'good' | 'bad' | 'neutral';

export type MessageKind =
  | 'event'
  | 'handshake'
  | 'certificate-request'
  | 'hello-request'
  | 'alert'
  | 'http-request'
  | 'http-response'
  | 'data';

export interface ParsedMessage {
  kind: MessageKind;
  /** The TLS message or event name as the packet list shows it: "ServerHello", "Alert", "HTTP request". */
  name: string;
  /** What the probe added in brackets, or the alert's description, or the HTTP line. */
  detail: string | null;
  /** A fatal alert, a reset, a 4xx/5xx: drawn in red. */
  bad: boolean;
  /** HTTP responses: the status code. */
  status?: number;
  /** Alerts: the description ("close_notify", "protocol_version"). */
  alert?: string;
}

const HTTP_METHOD = /^(GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH|TRACE|CONNECT) /;
/** Alerts that end a connection normally (RFC 8446 6.1), not failures. */
const CLOSURE_ALERTS = new Set(['close_notify', 'user_canceled']);

/** Events the probe records beside the TLS messages: they belong to neither side's arrow. */
export function isEvent(entry: Pick<TimelineEntry, 'message'>): boolean {
  return /^(TCP |Connection |\()/.test(entry.message);
}

export function parseMessage(entry: Pick<TimelineEntry, 'message'>): ParsedMessage {
  const text = entry.message;
  if (isEvent(entry)) return { kind: 'event', name: text, detail: null, bad: /reset|timeout|timed out/i.test(text) };

  const alert = /^Alert(?: \((\w+)\))?:\s*(.+)$/.exec(text);
  if (alert) {
    const level = alert[1] ?? null;
    const description = alert[2]!.trim();
    const closure = CLOSURE_ALERTS.has(description) && level !== 'fatal';
    return { kind: 'alert', name: 'Alert', detail: level ? `${level}: ${description}` : description, bad: !closure, alert: description };
  }

  const data = /^Application Data \((.*)\)$/.exec(text);
  if (data) {
    const inner = data[1]!.trim();
    if (HTTP_METHOD.test(inner)) return { kind: 'http-request', name: 'HTTP request', detail: inner, bad: false };
    const status = /^HTTP(?:\/[\d.]+)? (\d{3})\b\s*(.*)$/.exec(inner);
    if (status) {
      const code = Number(status[1]);
      return { kind: 'http-response', name: 'HTTP response', detail: `${code} ${status[2]}`.trim(), bad: code >= 400, status: code };
    }
    return { kind: 'data', name: 'Application Data', detail: inner || null, bad: false };
  }

  const m = /^([A-Za-z][\w ]*?)(?:\s*\((.*)\))?$/.exec(text);
  const name = m ? m[1]! : text;
  const detail = m?.[2] ?? null;
  if (name === 'CertificateRequest') return { kind: 'certificate-request', name, detail, bad: false };
  if (name === 'HelloRequest') return { kind: 'hello-request', name, detail, bad: false };
  if (name === 'Application Data') return { kind: 'data', name, detail, bad: false };
  return { kind: 'handshake', name, detail, bad: false };
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

/** The service's one-line messages start in lower case (they are also read mid-sentence); alone, they start a sentence. */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

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
