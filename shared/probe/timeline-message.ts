/**
 * What one line of a probe's timeline says, as fields: the probe builds each entry from these
 * constructors, so the sequence diagram, the CLI and the bundle's text timeline read the kind, the
 * name and the detail instead of taking apart a string the probe wrote. `message` is the same line
 * as text (Wireshark's packet-list wording: "ServerHello", "CertificateRequest (2 CA names, 149
 * bytes of names)", "Alert (fatal): protocol_version", "Application Data (GET / HTTP/1.1)").
 */

export const MESSAGE_KINDS = ['event', 'handshake', 'certificate-request', 'hello-request', 'alert', 'http-request', 'http-response', 'data'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export interface TimelineMessage {
  kind: MessageKind;
  /** The TLS message or event name as the packet list shows it: "ServerHello", "Alert", "HTTP request". */
  name: string;
  /** What the probe adds in brackets, the alert's level and description, or the HTTP line. */
  detail: string | null;
  /** A fatal alert, a reset, a timeout, a 4xx/5xx: drawn in red. */
  bad: boolean;
  /** HTTP responses: the status code. */
  status?: number;
  /** Alerts: the description ("close_notify", "protocol_version"). */
  alert?: string;
  /** The line as text. */
  message: string;
}

const HTTP_METHOD = /^(GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH|TRACE|CONNECT) /;
/** Alerts that end a connection normally (RFC 8446 6.1), not failures. */
const CLOSURE_ALERTS = new Set(['close_notify', 'user_canceled']);

/** A TLS handshake message (or ChangeCipherSpec), with what the probe adds in brackets. */
export function handshakeMessage(name: string, detail: string | null = null): TimelineMessage {
  const kind: MessageKind = name === 'CertificateRequest' ? 'certificate-request' : name === 'HelloRequest' ? 'hello-request' : 'handshake';
  return { kind, name, detail, bad: false, message: detail === null ? name : `${name} (${detail})` };
}

/** An alert (RFC 8446 6, RFC 5246 7.2); `level` null when the record was encrypted and only the description is known. */
export function alertMessage(level: string | null, description: string): TimelineMessage {
  const closure = CLOSURE_ALERTS.has(description) && level !== 'fatal';
  return {
    kind: 'alert',
    name: 'Alert',
    detail: level ? `${level}: ${description}` : description,
    bad: !closure,
    alert: description,
    message: level ? `Alert (${level}): ${description}` : `Alert: ${description}`,
  };
}

/** Application data: the HTTP request line, the status line, or what else is known of it. */
export function applicationData(inner: string | null): TimelineMessage {
  const message = inner === null ? 'Application Data' : `Application Data (${inner})`;
  const text = inner?.trim() ?? '';
  if (HTTP_METHOD.test(text)) return { kind: 'http-request', name: 'HTTP request', detail: text, bad: false, message };
  const status = /^HTTP(?:\/[\d.]+)? (\d{3})\b\s*(.*)$/.exec(text);
  if (status) {
    const code = Number(status[1]);
    return { kind: 'http-response', name: 'HTTP response', detail: `${code} ${status[2]}`.trim(), bad: code >= 400, status: code, message };
  }
  return { kind: 'data', name: 'Application Data', detail: text || null, bad: false, message };
}

/** What happened to the connection beside the TLS messages ("TCP connected", "TCP reset by the server", "(handshake complete: ...)"). */
export function connectionEvent(text: string): TimelineMessage {
  return { kind: 'event', name: text, detail: null, bad: /reset|timeout|timed out/i.test(text), message: text };
}

/** A record the probe could not decrypt, and why ("not decrypted (no keys for this connection)"). */
export function opaqueRecord(reason: string): TimelineMessage {
  return { kind: 'data', name: 'Encrypted record', detail: reason, bad: false, message: `Encrypted record, ${reason}` };
}

/** Bytes on one side's stream that are not TLS, or break its rules: the recorder stops reading that side. */
export function unreadable(reason: string): TimelineMessage {
  return { kind: 'handshake', name: 'Unreadable', detail: reason, bad: true, message: `Unreadable: ${reason}` };
}

/**
 * The fields of a line recorded before the probe wrote them (bundles made by earlier versions): the
 * same constructors, chosen by the line's form. New timelines never need this.
 */
export function messageFromText(text: string): TimelineMessage {
  if (/^(TCP |Connection |\()/.test(text)) return connectionEvent(text);
  const opaque = /^Encrypted record, (.*)$/.exec(text);
  if (opaque) return opaqueRecord(opaque[1]!);
  const broken = /^Unreadable: (.*)$/.exec(text);
  if (broken) return unreadable(broken[1]!);
  const alert = /^Alert(?: \((\w+)\))?:\s*(.+)$/.exec(text);
  if (alert) return alertMessage(alert[1] ?? null, alert[2]!.trim());
  const data = /^Application Data(?: \((.*)\))?$/.exec(text);
  if (data) return applicationData(data[1] ?? null);
  const m = /^([A-Za-z][\w ]*?)(?:\s*\((.*)\))?$/.exec(text);
  return m ? handshakeMessage(m[1]!, m[2] ?? null) : { kind: 'handshake', name: text, detail: null, bad: false, message: text };
}
