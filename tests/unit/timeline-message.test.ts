import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertMessage, applicationData, connectionEvent, handshakeMessage, messageFromText } from '../../shared/probe/timeline-message';
import { parseMessage } from '../../renderer/src/ui/probe/probe-words';

/**
 * Timeline lines carry their fields from the probe; a bundle recorded before the fields existed has
 * only the text. Both must read the same: every line a constructor writes, read back from its text,
 * gives the same fields.
 */
describe('timeline lines', () => {
  it('say what they are as fields', () => {
    expect(handshakeMessage('CertificateRequest', '2 CA names, 149 bytes of names')).toMatchObject({ kind: 'certificate-request', name: 'CertificateRequest', message: 'CertificateRequest (2 CA names, 149 bytes of names)', bad: false });
    expect(handshakeMessage('HelloRequest')).toMatchObject({ kind: 'hello-request', message: 'HelloRequest' });
    expect(alertMessage('fatal', 'protocol_version')).toMatchObject({ kind: 'alert', detail: 'fatal: protocol_version', bad: true, alert: 'protocol_version', message: 'Alert (fatal): protocol_version' });
    expect(alertMessage('warning', 'close_notify').bad).toBe(false);
    expect(alertMessage(null, 'close_notify')).toMatchObject({ bad: false, message: 'Alert: close_notify' });
    expect(applicationData('GET /secure/ HTTP/1.1')).toMatchObject({ kind: 'http-request', name: 'HTTP request' });
    expect(applicationData('HTTP/1.1 403 Forbidden')).toMatchObject({ kind: 'http-response', status: 403, bad: true, detail: '403 Forbidden', message: 'Application Data (HTTP/1.1 403 Forbidden)' });
    expect(applicationData(null)).toMatchObject({ kind: 'data', detail: null, message: 'Application Data' });
    expect(connectionEvent('TCP reset by the server')).toMatchObject({ kind: 'event', bad: true });
  });

  it('read back from their text the same (bundles from earlier versions)', () => {
    const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,20}$/);
    const detail = fc.stringMatching(/^[a-z0-9 ,.:/-]{1,40}$/).filter((d) => d.trim() === d && !d.includes(')'));
    const lines = fc.oneof(
      fc.tuple(word, fc.option(detail, { nil: null })).map(([n, d]) => handshakeMessage(n, d)),
      fc.tuple(fc.constantFrom('fatal', 'warning', null), word).map(([l, d]) => alertMessage(l, d)),
      fc.option(fc.oneof(detail, fc.constantFrom('GET / HTTP/1.1', 'HTTP/1.1 200 OK', 'HTTP 403 Forbidden')), { nil: null }).map(applicationData),
      fc.constantFrom('TCP connected', 'TCP reset by the server', 'Connection closed by the server (FIN)', '(handshake complete: TLS 1.3)').map(connectionEvent),
    );
    fc.assert(
      fc.property(lines, (line) => {
        expect(messageFromText(line.message)).toEqual(line);
      }),
      { numRuns: 2000 },
    );
  });

  it('are drawn from the fields the probe wrote, not from the text', () => {
    const line = alertMessage('fatal', 'certificate_required');
    // The text alone would read as a handshake message; the fields say what it is.
    const entry = { ms: 1, from: 'server' as const, encrypted: true, ...line, message: 'something else' };
    expect(parseMessage(entry)).toMatchObject({ kind: 'alert', alert: 'certificate_required', bad: true });
    expect(parseMessage({ message: 'Alert (fatal): certificate_required' })).toMatchObject({ kind: 'alert', alert: 'certificate_required' });
  });
});
