import { describe, expect, it } from 'vitest';
import type { CertificateRequestInfo, ProbeAttempt } from '../../shared/model/probe';
import { probeHeadline } from '../../renderer/src/ui/probe/probe-words';

/**
 * A probe's headline names the problem a helpdesk user acts on, not the mechanism; the
 * technical name comes second, and a success never carries a 403.
 */

function attempt(over: Partial<ProbeAttempt>): ProbeAttempt {
  return {
    label: 'Default',
    kind: 'default',
    tls: { version: 'TLS 1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' },
    clientAuth: { mode: 'none', reason: null, certificateRequest: null },
    http: null,
    alerts: [],
    timeline: [],
    ending: 'closed by the server after the response',
    error: null,
    clientCertificate: { presented: false, accepted: null, thumbprint: null },
    ...over,
  };
}

const request = (caNamesBytes: number): CertificateRequestInfo => ({
  caNames: [],
  caNamesBytes,
  messageBytes: caNamesBytes + 40,
  records: 2,
  signatureAlgorithms: [],
  certificateTypes: [],
  carriedBy: 'handshake',
});

const forbidden = { status: 403, subStatus: 7, reason: 'Forbidden' };

describe('probeHeadline', () => {
  it('says a 25 KB CA list is larger than Windows can send, with both numbers', () => {
    const h = probeHeadline({
      attempts: [attempt({ clientAuth: { mode: 'handshake', reason: null, certificateRequest: request(25_342) }, http: forbidden })],
      clientAuth: { mode: 'handshake' },
      findings: [{ id: 'server.ca-list-too-large', severity: 'error' }],
    });
    expect(h).toEqual({ text: "The server's CA list is larger than Windows can send (25,342 of 16,384 bytes).", tone: 'bad' });
  });

  it('says a refused version as the refusal, the alert number and name second', () => {
    const h = probeHeadline({
      attempts: [attempt({ kind: 'tls1.2', tls: { version: null, cipher: null }, alerts: [{ from: 'server', level: 'fatal', code: 70, description: 'protocol_version' }], error: 'alert' })],
      clientAuth: { mode: 'unknown' },
      findings: [{ id: 'server.tls-version-refused', severity: 'error' }],
    });
    expect(h.text).toBe('The server refused TLS 1.2 (alert 70, protocol version).');
  });

  it('never makes a success of a connection that got a 403', () => {
    const h = probeHeadline({
      attempts: [
        attempt({ clientAuth: { mode: 'renegotiation', reason: null, certificateRequest: request(164) }, http: forbidden }),
        attempt({ kind: 'client-certificate', clientCertificate: { presented: true, accepted: true, thumbprint: 'AB' }, http: { status: 200, subStatus: null, reason: 'OK' } }),
      ],
      clientAuth: { mode: 'renegotiation' },
      findings: [],
    });
    expect(h).toEqual({ text: 'The server accepts the client certificate.', tone: 'good' });
    expect(h.text).not.toContain('403');
  });

  it('names the 403.7 and how the server asks', () => {
    const h = probeHeadline({
      attempts: [attempt({ clientAuth: { mode: 'renegotiation', reason: null, certificateRequest: request(164) }, http: forbidden })],
      clientAuth: { mode: 'renegotiation' },
      findings: [{ id: 'http.403.7', severity: 'error' }],
    });
    expect(h.text).toBe('The server answers 403.7 (client certificate required): the server asks for the certificate only after the request, by TLS 1.2 renegotiation.');
    expect(h.tone).toBe('bad');
  });

  it('says a refused certificate by the alert the server sent', () => {
    const h = probeHeadline({
      attempts: [attempt({ kind: 'client-certificate', clientCertificate: { presented: true, accepted: false, thumbprint: 'AB' }, alerts: [{ from: 'server', level: 'fatal', code: 48, description: 'unknown_ca' }] })],
      clientAuth: { mode: 'handshake' },
      findings: [{ id: 'server.rejected-certificate', severity: 'error' }],
    });
    expect(h.text).toBe('The server refused the client certificate (alert 48, unknown ca).');
  });
});
