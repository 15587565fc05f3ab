import { describe, expect, it } from 'vitest';
import type { ProbeAttempt, TimelineEntry } from '../../shared/model/probe';
import { capitalise, describeAttempt, groupTimeline, parseMessage, preferredAttempt } from '../../renderer/src/ui/probe/probe-words';
import { normaliseUrl } from '../../renderer/src/ui/probe/use-probe';

/**
 * The Probe page's words: timeline messages as the probe writes them (electron/services/probe),
 * read into diagram arrows, and each connection said in one sentence. The message strings below are
 * copied from real lab probes (certbench probe --json).
 */

const entry = (message: string, extra: Partial<TimelineEntry> = {}): TimelineEntry => ({ ms: 1, from: 'server', encrypted: false, message, ...extra });

function attempt(over: Partial<ProbeAttempt>): ProbeAttempt {
  return {
    label: 'TLS 1.2 forced',
    kind: 'tls1.2',
    tls: { version: 'TLS 1.2', cipher: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' },
    clientAuth: { mode: 'none', reason: null, certificateRequest: null },
    http: null,
    alerts: [],
    timeline: [],
    ending: 'closed by the server after the response at 8 ms',
    error: null,
    clientCertificate: { presented: false, accepted: null, thumbprint: null },
    ...over,
  };
}

describe('parseMessage', () => {
  it('reads TLS messages with the detail the probe added', () => {
    expect(parseMessage(entry('CertificateRequest (2 CA names, 149 bytes of names)'))).toMatchObject({ kind: 'certificate-request', name: 'CertificateRequest', detail: '2 CA names, 149 bytes of names', bad: false });
    expect(parseMessage(entry('CertificateRequest'))).toMatchObject({ kind: 'certificate-request', detail: null });
    expect(parseMessage(entry('HelloRequest (after the HTTP request: renegotiate)'))).toMatchObject({ kind: 'hello-request', name: 'HelloRequest' });
    expect(parseMessage(entry('Certificate (empty: no certificate sent)'))).toMatchObject({ kind: 'handshake', name: 'Certificate', detail: 'empty: no certificate sent' });
    expect(parseMessage(entry('ServerHello'))).toMatchObject({ kind: 'handshake', name: 'ServerHello', detail: null });
  });

  it('labels HTTP requests and responses, and a 4xx is bad', () => {
    expect(parseMessage(entry('Application Data (GET /secure/ HTTP/1.1)'))).toMatchObject({ kind: 'http-request', detail: 'GET /secure/ HTTP/1.1' });
    expect(parseMessage(entry('Application Data (HTTP/1.1 403 Forbidden)'))).toMatchObject({ kind: 'http-response', status: 403, detail: '403 Forbidden', bad: true });
    // The post-handshake client writes its lines without the HTTP version.
    expect(parseMessage(entry('Application Data (HTTP 200 OK)'))).toMatchObject({ kind: 'http-response', status: 200, bad: false });
    expect(parseMessage(entry('Application Data (GET /secure/)'))).toMatchObject({ kind: 'http-request' });
  });

  it('draws fatal alerts in red and a close_notify as a normal end', () => {
    expect(parseMessage(entry('Alert (fatal): protocol_version'))).toMatchObject({ kind: 'alert', alert: 'protocol_version', bad: true, detail: 'fatal: protocol_version' });
    expect(parseMessage(entry('Alert (warning): close_notify'))).toMatchObject({ kind: 'alert', bad: false });
    expect(parseMessage(entry('Alert: close_notify'))).toMatchObject({ kind: 'alert', bad: false });
    expect(parseMessage(entry('Alert (fatal): close_notify'))).toMatchObject({ bad: true });
    expect(parseMessage(entry('Alert: certificate_required'))).toMatchObject({ bad: true });
  });

  it('tells connection events from messages, a reset in red', () => {
    expect(parseMessage(entry('TCP connected'))).toMatchObject({ kind: 'event', bad: false });
    expect(parseMessage(entry('TCP reset by the server'))).toMatchObject({ kind: 'event', bad: true });
    expect(parseMessage(entry('Connection closed by the server (FIN)'))).toMatchObject({ kind: 'event' });
    expect(parseMessage(entry('(12 more messages not listed)'))).toMatchObject({ kind: 'event' });
  });
});

describe('groupTimeline', () => {
  it('bands the messages of one TCP segment from one side, and keeps events and unsegmented messages alone', () => {
    const groups = groupTimeline([
      entry('TCP connected', { from: 'client' }),
      entry('ClientHello', { from: 'client', segment: 0 }),
      entry('ServerHello', { segment: 1 }),
      entry('Certificate (2 certificates)', { segment: 1 }),
      entry('ServerHelloDone', { segment: 1 }),
      entry('ClientKeyExchange', { from: 'client', segment: 2 }),
      entry('Finished', { from: 'client', segment: 2, encrypted: true }),
      entry('CertificateRequest'),
      entry('Certificate (empty)', { from: 'client' }),
      entry('Connection closed by the server'),
    ]);
    expect(groups.map((g) => [g.event, g.entries.map((e) => e.index)])).toEqual([
      [true, [0]],
      [false, [1]],
      [false, [2, 3, 4]],
      [false, [5, 6]],
      [false, [7]],
      [false, [8]],
      [true, [9]],
    ]);
  });
});

describe('describeAttempt', () => {
  it('makes the IIS case plain: TLS 1.2 renegotiates after the request, TLS 1.3 fails', () => {
    const tls12 = describeAttempt(
      attempt({ clientAuth: { mode: 'renegotiation', reason: 'HelloRequest after the HTTP request, then ...', certificateRequest: null }, http: { status: 403, subStatus: 7, reason: 'Forbidden' } }),
    );
    expect(tls12.sentence).toBe('TLS 1.2: the server asked only after the request, by renegotiation (HelloRequest, second handshake); HTTP 403.7 Forbidden');
    expect(tls12).toMatchObject({ tone: 'bad', badge: 'HTTP 403.7' });

    const reset = 'the server reset the connection after the request, before answering';
    const tls13 = describeAttempt(
      attempt({ kind: 'tls1.3', tls: { version: 'TLS 1.3', cipher: null }, clientAuth: { mode: 'unknown', reason: reset, certificateRequest: null }, error: reset, ending: 'reset by the server after the request at 30 ms' }),
    );
    expect(tls13.sentence).toBe(`TLS 1.3: ${reset}`);
    expect(tls13).toMatchObject({ tone: 'bad', badge: 'Reset' });
  });

  it('names the refused version and the alert when no session came up', () => {
    const error = 'the server ended the connection with alert protocol_version (70)';
    const w = describeAttempt(
      attempt({
        kind: 'tls1.3',
        tls: { version: null, cipher: null },
        clientAuth: { mode: 'unknown', reason: error, certificateRequest: null },
        error,
        ending: error,
        alerts: [{ from: 'server', level: 'fatal', code: 70, description: 'protocol_version' }],
      }),
    );
    expect(w.sentence).toBe(`TLS 1.3: ${error}`);
    expect(w.badge).toBe('Alert protocol_version');
    const timeout = 'timeout after 1.0 s during the TLS handshake';
    const silent = attempt({ kind: 'default', tls: { version: null, cipher: null }, clientAuth: { mode: 'unknown', reason: timeout, certificateRequest: null }, error: timeout, ending: timeout });
    expect(describeAttempt(silent)).toMatchObject({ sentence: `No TLS session: ${timeout}`, badge: 'Timeout' });
  });

  it('says whether the client certificate got through', () => {
    const w = describeAttempt(
      attempt({
        kind: 'client-certificate',
        clientAuth: { mode: 'handshake', reason: null, certificateRequest: null },
        http: { status: 200, subStatus: null, reason: 'OK' },
        clientCertificate: { presented: true, accepted: true, thumbprint: 'AB' },
      }),
    );
    expect(w).toMatchObject({ tone: 'good', badge: 'HTTP 200' });
    expect(w.sentence).toBe('TLS 1.2: the server asked for a certificate in the handshake; the certificate was sent and accepted; HTTP 200 OK');
  });
});

describe('small helpers', () => {
  it('prefers the attempt the service names, else the first that saw a CertificateRequest', () => {
    const request = { caNames: [], caNamesBytes: 0, messageBytes: 10, records: 1, signatureAlgorithms: [], certificateTypes: [], carriedBy: 'handshake' as const };
    const list = [attempt({ label: 'a' }), attempt({ label: 'b', clientAuth: { mode: 'handshake', reason: null, certificateRequest: request } }), attempt({ label: 'c' })];
    expect(preferredAttempt(list, 'c')).toBe(2);
    expect(preferredAttempt(list, null)).toBe(1);
    expect(preferredAttempt([attempt({})], 'missing')).toBe(0);
  });

  it('gives a bare host https:// and leaves anything with a scheme as typed', () => {
    expect(normaliseUrl(' intranet.contoso.com/secure/ ')).toBe('https://intranet.contoso.com/secure/');
    expect(normaliseUrl('127.0.0.1:8443/x')).toBe('https://127.0.0.1:8443/x');
    expect(normaliseUrl('intranet.contoso.com:8443/secure/')).toBe('https://intranet.contoso.com:8443/secure/');
    expect(normaliseUrl('[::1]:8443/')).toBe('https://[::1]:8443/');
    expect(normaliseUrl('http://intranet/')).toBe('http://intranet/');
    expect(normaliseUrl('')).toBe('');
    expect(capitalise('timeout after 2.0 s')).toBe('Timeout after 2.0 s');
  });
});
