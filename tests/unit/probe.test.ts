import { describe, expect, it } from 'vitest';
import { expandLabel, prf12 } from '../../electron/services/probe/record-crypto';
import { iisSubStatus, pageHeadline, ResponseReader, buildRequest } from '../../electron/services/probe/http';
import { parseTarget } from '../../electron/services/probe/probe';
import { probeFindings, summarizeProbe, PHA_UNAVAILABLE, versionRefused } from '../../shared/probe/findings';
import type { CertificateRequestInfo, ProbeAttempt } from '../../shared/model/probe';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');

describe('record keys: known answers', () => {
  it('HKDF-Expand-Label gives RFC 8448 3\'s handshake key and IV', () => {
    const secret = hex('b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38');
    expect(expandLabel('sha256', secret, 'key', new Uint8Array(0), 16).toString('hex')).toBe('3fce516009c21727d0f2e4e86ee403bc');
    expect(expandLabel('sha256', secret, 'iv', new Uint8Array(0), 12).toString('hex')).toBe('5d313eb2671276ee13000b30');
  });

  it('the TLS 1.2 PRF (P_SHA256) gives the published test vector', () => {
    const out = prf12('sha256', hex('9b be 43 6b a9 40 f0 17 b1 76 52 84 9a 71 db 35'), 'test label', hex('a0 ba 9f 93 6c da 31 18 27 a6 f7 96 ff d5 19 8c'), 100);
    expect(out.toString('hex')).toBe(
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
    );
  });
});

describe('HTTP exchange', () => {
  it('writes GET with Host (port and IPv6 brackets as RFC 9112 wants)', () => {
    expect(buildRequest('intranet.contoso.com', 443, '/secure/?a=1')).toBe('GET /secure/?a=1 HTTP/1.1\r\nHost: intranet.contoso.com\r\nUser-Agent: certbench-probe\r\nAccept: */*\r\nConnection: close\r\n\r\n');
    expect(buildRequest('::1', 8443, '/')).toContain('Host: [::1]:8443\r\n');
  });

  it('finds IIS sub-status in IIS 7+ and IIS 6 error pages, only for the status returned', () => {
    expect(iisSubStatus(403, '<h3>HTTP Error 403.7 - Forbidden</h3>')).toBe(7);
    expect(iisSubStatus(403, '<h2>403.16 - Forbidden: Client certificate is untrusted or invalid.</h2>')).toBe(16);
    expect(iisSubStatus(403, '<li>Error Code: 403.13</li>')).toBe(13);
    expect(iisSubStatus(500, '<h3>HTTP Error 403.7 - Forbidden</h3>')).toBeNull();
    expect(iisSubStatus(403, 'Forbidden')).toBeNull();
  });

  it('reads a response in pieces: Content-Length, chunked, bounded', () => {
    const r = new ResponseReader();
    r.push(Buffer.from('HTTP/1.1 403 Forbidden\r\nContent-Len'));
    expect(r.parse()).toMatchObject({ status: 403, complete: false });
    r.push(Buffer.from('gth: 5\r\n\r\nab'));
    expect(r.parse()?.complete).toBe(false);
    r.push(Buffer.from('cde'));
    expect(r.parse()).toMatchObject({ status: 403, reason: 'Forbidden', body: 'abcde', complete: true });
    const c = new ResponseReader();
    c.push(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n'));
    expect(c.parse()?.complete).toBe(false);
    c.push(Buffer.from('0\r\n\r\n'));
    expect(c.parse()?.complete).toBe(true);
    const big = new ResponseReader();
    big.push(Buffer.from('HTTP/1.1 200 OK\r\n\r\n'));
    for (let i = 0; i < 100; i++) big.push(Buffer.alloc(10_000, 0x41));
    expect(big.bytes).toBe(64 * 1024);
    expect(big.parse()?.complete).toBe(true);
  });
});

describe('target URL', () => {
  it('takes https URLs, IPv6 literals and bare host names; refuses anything else in one line', () => {
    expect(parseTarget('https://intranet.contoso.com/secure/?x=1')).toEqual({ host: 'intranet.contoso.com', port: 443, path: '/secure/?x=1', servername: 'intranet.contoso.com' });
    expect(parseTarget('https://[::1]:8443')).toEqual({ host: '::1', port: 8443, path: '/', servername: '' });
    expect(parseTarget('intranet:4443/app')).toEqual({ host: 'intranet', port: 4443, path: '/app', servername: 'intranet' });
    expect(() => parseTarget('http://x/')).toThrow('"http://x/" is not an https:// URL: a client-certificate probe needs TLS');
    expect(() => parseTarget('https://')).toThrow(/is not a URL/);
  });
});

/** A minimal attempt to build evidence from. */
function att(partial: Partial<ProbeAttempt> & Pick<ProbeAttempt, 'kind'>): ProbeAttempt {
  return {
    label: partial.kind ?? 'x',
    tls: { version: 'TLS 1.2', cipher: null },
    clientAuth: { mode: 'none', reason: null, certificateRequest: null },
    http: null,
    alerts: [],
    timeline: [],
    ending: 'closed',
    error: null,
    clientCertificate: { presented: false, accepted: null, thumbprint: null },
    ...partial,
  };
}

function cr(names: string[], bytes: number, carriedBy: CertificateRequestInfo['carriedBy'] = 'handshake'): CertificateRequestInfo {
  return { caNames: names, caNamesBytes: bytes, messageBytes: bytes + 50, records: bytes > 16_000 ? 2 : 1, signatureAlgorithms: [], certificateTypes: [], carriedBy };
}

const ids = (f: { id: string }[]) => f.map((x) => x.id).sort();

describe('probe findings (pure rules)', () => {
  it('CA list size: error over 16,384, warning between 12,228 and 16,384, nothing below', () => {
    const at = (bytes: number) => probeFindings({ attempts: [att({ kind: 'tls1.2', clientAuth: { mode: 'handshake', reason: null, certificateRequest: cr(['CN=A'], bytes) }, http: { status: 200, subStatus: null, reason: 'OK' } })] });
    expect(at(16_385).find((f) => f.id === 'server.ca-list-too-large')?.severity).toBe('error');
    expect(at(16_384).find((f) => f.id === 'server.ca-list-too-large')?.severity).toBe('warning');
    expect(at(12_229).find((f) => f.id === 'server.ca-list-too-large')?.title).toBe('The CA names the server sends exceed the older 12,228-byte limit');
    expect(at(12_228).find((f) => f.id === 'server.ca-list-too-large')).toBeUndefined();
  });

  it('roots-only and intermediates-only only when every name is known', () => {
    const attempts = [att({ kind: 'tls1.2', clientAuth: { mode: 'handshake', reason: null, certificateRequest: cr(['CN=R1', 'CN=R2'], 40) }, http: { status: 200, subStatus: null, reason: 'OK' } })];
    expect(ids(probeFindings({ attempts, knownCas: [{ subject: 'CN=R1', selfSigned: true }, { subject: 'CN=R2', selfSigned: true }] }))).toEqual(['server.ca-list-roots-only']);
    expect(ids(probeFindings({ attempts, knownCas: [{ subject: 'CN=R1', selfSigned: false }, { subject: 'CN=R2', selfSigned: false }] }))).toEqual(['server.ca-list-intermediates-only']);
    expect(ids(probeFindings({ attempts, knownCas: [{ subject: 'CN=R1', selfSigned: true }] }))).toEqual([]);
  });

  it('excludes-issuer when no CA of the chain is named; quiet when the issuer or a CA above it is', () => {
    const attempts = [att({ kind: 'tls1.2', clientAuth: { mode: 'handshake', reason: null, certificateRequest: cr(['CN=Other Root'], 20) }, http: { status: 200, subStatus: null, reason: 'OK' } })];
    const chain = { subject: 'CN=alice', issuer: 'CN=Issuing', chain: [{ subject: 'CN=Issuing', issuer: 'CN=Root' }] };
    expect(ids(probeFindings({ attempts, clientCertificate: chain }))).toEqual(['server.ca-list-excludes-issuer']);
    const named = [att({ ...attempts[0]!, kind: 'tls1.2', clientAuth: { mode: 'handshake', reason: null, certificateRequest: cr(['CN=Root'], 20) } })];
    expect(ids(probeFindings({ attempts: named, clientCertificate: chain }))).toEqual([]);
  });

  it('rejected-certificate only for an alert after a certificate was presented', () => {
    const alert = { from: 'server' as const, level: 'fatal' as const, code: 48, description: 'unknown_ca', ms: 12 };
    const presented = att({
      kind: 'client-certificate',
      alerts: [alert],
      timeline: [{ ms: 10, from: 'client', encrypted: true, message: 'Certificate (2 certificates)' }],
      clientCertificate: { presented: true, accepted: false, thumbprint: 'AB' },
    });
    const f = probeFindings({ attempts: [presented] }).find((x) => x.id === 'server.rejected-certificate');
    expect(f?.evidence.at(-1)?.text).toBe('12 ms server: Alert (fatal): unknown_ca (48)');
    expect(f?.detail).toContain('does not trust the CA that issued it');
    const notPresented = att({ kind: 'tls1.3', alerts: [{ ...alert, code: 116, description: 'certificate_required' }] });
    expect(probeFindings({ attempts: [notPresented] }).find((x) => x.id === 'server.rejected-certificate')).toBeUndefined();
  });

  it('any other fatal alert after the certificate, with no answer, is a refusal that says the alert names no reason; one before the certificate is not', () => {
    const presentedWith = (code: number, description: string, ms: number, http: ProbeAttempt['http'] = null) =>
      att({
        kind: 'client-certificate',
        alerts: [{ from: 'server', level: 'fatal', code, description, ms }],
        timeline: [{ ms: 10, from: 'client', encrypted: true, message: 'Certificate (1 certificate)' }],
        clientCertificate: { presented: true, accepted: false, thumbprint: 'AB' },
        http,
      });
    const key = probeFindings({ attempts: [presentedWith(51, 'decrypt_error', 11)] }).find((x) => x.id === 'server.rejected-certificate')!;
    expect(key.title).toBe('The server ended the handshake after the client certificate, with alert decrypt_error');
    expect(key.detail).toContain('the private key does not belong to the certificate');
    expect(key.evidence.map((e) => e.text)).toEqual(['client-certificate', '10 ms client: Certificate (1 certificate)', '11 ms server: Alert (fatal): decrypt_error (51)']);
    const unknown = probeFindings({ attempts: [presentedWith(90, 'user_canceled', 11)] }).find((x) => x.id === 'server.rejected-certificate')!;
    expect(unknown.detail).toContain("which does not say what was wrong. The server's log says why.");
    expect(probeFindings({ attempts: [presentedWith(80, 'internal_error', 9)] }).find((x) => x.id === 'server.rejected-certificate')).toBeUndefined();
    const answered = presentedWith(80, 'internal_error', 11, { status: 200, subStatus: null, reason: 'OK' });
    expect(probeFindings({ attempts: [answered] }).find((x) => x.id === 'server.rejected-certificate')).toBeUndefined();
  });

  it('maps IIS sub-status 7, 13, 16 and 17 to their findings, judged on the certificate attempt when there is one', () => {
    const with403 = (sub: number, kind: ProbeAttempt['kind'] = 'tls1.2') => att({ kind, http: { status: 403, subStatus: sub, reason: 'Forbidden' } });
    for (const sub of [7, 13, 16, 17]) expect(ids(probeFindings({ attempts: [with403(sub)] }))).toContain(`http.403.${sub}`);
    const accepted = att({ kind: 'client-certificate', http: { status: 200, subStatus: null, reason: 'OK' }, clientCertificate: { presented: true, accepted: true, thumbprint: 'AB' } });
    expect(ids(probeFindings({ attempts: [with403(7), accepted] }))).not.toContain('http.403.7');
  });

  it('TLS 1.3 failing where TLS 1.2 asks: post-handshake needed, or the IIS case when post-handshake auth was offered in vain, or only likely when that client was missing', () => {
    const v12 = att({ kind: 'tls1.2', clientAuth: { mode: 'renegotiation', reason: null, certificateRequest: cr(['CN=R'], 10, 'renegotiation') }, http: { status: 200, subStatus: null, reason: 'OK' } });
    const v13 = att({ kind: 'tls1.3', tls: { version: 'TLS 1.3', cipher: null }, http: { status: 403, subStatus: null, reason: 'Forbidden' } });
    const phaAsked = att({ kind: 'post-handshake', tls: { version: 'TLS 1.3', cipher: null }, clientAuth: { mode: 'post-handshake', reason: null, certificateRequest: cr(['CN=R'], 10, 'post-handshake') } });
    const phaSilent = att({ kind: 'post-handshake', tls: { version: 'TLS 1.3', cipher: null }, ending: 'reset by the server', error: 'reset' });
    const phaMissing = att({ kind: 'post-handshake', tls: { version: null, cipher: null }, clientAuth: { mode: 'unknown', reason: `${PHA_UNAVAILABLE}: x`, certificateRequest: null } });
    expect(ids(probeFindings({ attempts: [v12, v13, phaAsked] }))).toEqual(['server.renegotiation-client-cert', 'server.tls13-post-handshake-needed']);
    expect(ids(probeFindings({ attempts: [v12, v13, phaSilent] }))).toEqual(['iis.tls13-with-renegotiation', 'server.renegotiation-client-cert']);
    const likely = probeFindings({ attempts: [v12, v13, phaMissing] }).find((f) => f.id === 'server.tls13-post-handshake-needed');
    expect(likely?.severity).toBe('warning');
    expect(summarizeProbe({ attempts: [v12, v13, phaAsked], clientAuth: { mode: 'post-handshake', certificateRequest: null } })).toBe(
      'The server asks for a client certificate only after the TLS 1.3 handshake (post-handshake authentication); over TLS 1.3: HTTP 403 Forbidden; over TLS 1.2: HTTP 200 OK.',
    );
  });

  it('a server without TLS 1.3 is no TLS 1.3 fault', () => {
    const v12 = att({ kind: 'tls1.2', clientAuth: { mode: 'renegotiation', reason: null, certificateRequest: cr(['CN=R'], 10, 'renegotiation') }, http: { status: 200, subStatus: null, reason: 'OK' } });
    const no13 = att({ kind: 'tls1.3', tls: { version: null, cipher: null }, alerts: [{ from: 'server', level: 'fatal', code: 70, description: 'protocol_version' }], error: 'the server ended the connection with alert protocol_version (70)' });
    expect(ids(probeFindings({ attempts: [v12, no13] }))).toEqual(['server.renegotiation-client-cert']);
  });

  it('no-client-cert-request is an error when access is denied and a warning when the page is served', () => {
    const denied = att({ kind: 'default', http: { status: 403, subStatus: null, reason: 'Forbidden' } });
    const served = att({ kind: 'default', http: { status: 200, subStatus: null, reason: 'OK' } });
    expect(probeFindings({ attempts: [denied] }).find((f) => f.id === 'server.no-client-cert-request')?.severity).toBe('error');
    expect(probeFindings({ attempts: [served] }).find((f) => f.id === 'server.no-client-cert-request')?.severity).toBe('warning');
  });
});

describe('probe findings that say what happened', () => {
  const presentedWith = (label: string, over: Partial<ProbeAttempt>) =>
    att({ kind: 'client-certificate', label, clientCertificate: { presented: true, accepted: false, thumbprint: 'AB' }, ...over });

  it('a refusal in HTTP (nginx 400 "The SSL certificate error") is a rejected-certificate finding that quotes the page', () => {
    const a = presentedWith('with cert', { http: { status: 400, subStatus: null, reason: 'Bad Request', server: 'nginx/1.22.1', message: 'The SSL certificate error' } });
    const f = probeFindings({ attempts: [a] }).find((x) => x.id === 'server.rejected-certificate')!;
    expect(f.title).toBe('The server refused the client certificate in HTTP: HTTP 400 Bad Request ("The SSL certificate error")');
    expect(f.detail).toContain('ssl_client_certificate');
    expect(f.evidence).toContainEqual({ kind: 'status', text: 'HTTP 400 Bad Request: The SSL certificate error (Server: nginx/1.22.1)' });
    // An accepted certificate, or IIS's own 403.7 (which has its finding), is not a refusal here.
    expect(probeFindings({ attempts: [presentedWith('ok', { http: { status: 200, subStatus: null, reason: 'OK' }, clientCertificate: { presented: true, accepted: true, thumbprint: 'AB' } })] }).map((x) => x.id)).not.toContain('server.rejected-certificate');
    expect(ids(probeFindings({ attempts: [presentedWith('iis', { http: { status: 403, subStatus: 7, reason: 'Forbidden' } })] }))).toEqual(['http.403.7']);
  });

  it('one finding per cause: the same alert on two connections is one finding with both as proof', () => {
    const alert = { from: 'server' as const, level: 'fatal' as const, code: 48, description: 'unknown_ca', ms: 12 };
    const f = probeFindings({ attempts: [presentedWith('TLS 1.2 with cert', { alerts: [alert] }), presentedWith('TLS 1.3 with cert', { alerts: [alert] })] }).filter((x) => x.id === 'server.rejected-certificate');
    expect(f).toHaveLength(1);
    expect(f[0]!.evidence.filter((e) => e.kind === 'attempt').map((e) => e.text)).toEqual(['TLS 1.2 with cert', 'TLS 1.3 with cert']);
    const iis = probeFindings({ attempts: [presentedWith('a', { http: { status: 403, subStatus: 16, reason: 'Forbidden' } }), presentedWith('b', { http: { status: 403, subStatus: 16, reason: 'Forbidden' } })] }).filter((x) => x.id === 'http.403.16');
    expect(iis).toHaveLength(1);
    expect(iis[0]!.evidence.filter((e) => e.kind === 'attempt').map((e) => e.text)).toEqual(['a', 'b']);
  });

  it('a forced TLS version the server refuses is the answer: a finding and a summary, not "could not observe"', () => {
    const refused = att({ kind: 'tls1.3', tls: { version: null, cipher: null }, alerts: [{ from: 'server', level: 'fatal', code: 70, description: 'protocol_version', ms: 2 }], timeline: [{ ms: 1, from: 'client', encrypted: false, message: 'ClientHello' }, { ms: 2, from: 'server', encrypted: false, message: 'Alert (fatal): protocol_version' }], error: 'the server ended the connection with alert protocol_version (70)' });
    expect(versionRefused(refused)).toEqual({ version: 'TLS 1.3', how: 'it answered the TLS 1.3 ClientHello with alert protocol_version (70)' });
    const f = probeFindings({ attempts: [refused] });
    expect(ids(f)).toEqual(['server.tls-version-refused']);
    expect(f[0]!.title).toBe('This server does not speak TLS 1.3');
    expect(f[0]!.severity).toBe('error');
    expect(summarizeProbe({ attempts: [refused], clientAuth: { mode: 'unknown', certificateRequest: null } })).toBe('The server does not speak TLS 1.3: it answered the TLS 1.3 ClientHello with alert protocol_version (70).');
    // In the default run (both versions compared) the refused version is context, not a finding of its own.
    const both = [att({ kind: 'default', http: { status: 200, subStatus: null, reason: 'OK' } }), refused];
    expect(ids(probeFindings({ attempts: both }))).not.toContain('server.tls-version-refused');
  });

  it("names Apache's AH10158 only when a Server header showed Apache", () => {
    const pha = att({ kind: 'post-handshake', tls: { version: 'TLS 1.3', cipher: null }, clientAuth: { mode: 'post-handshake', reason: null, certificateRequest: cr(['CN=R'], 10, 'post-handshake') } });
    const v13 = (server: string | null) => att({ kind: 'tls1.3', tls: { version: 'TLS 1.3', cipher: null }, http: { status: 403, subStatus: null, reason: 'Forbidden', server } });
    const detail = (server: string | null) => probeFindings({ attempts: [v13(server), pha] }).find((x) => x.id === 'server.tls13-post-handshake-needed')!.detail;
    expect(detail('Apache/2.4.62 (Debian)')).toContain('AH10158');
    expect(detail('BaseHTTP/0.6 Python/3.11.7')).not.toContain('AH10158');
    expect(detail(null)).not.toContain('Apache logs');
  });
});

describe('the headline of an error page', () => {
  it("quotes nginx's reason, IIS's status heading, else the title", () => {
    const nginx400 = '<html>\r\n<head><title>400 No required SSL certificate was sent</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>No required SSL certificate was sent</center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n';
    expect(pageHeadline(nginx400, 400)).toBe('No required SSL certificate was sent');
    expect(pageHeadline(nginx400.replace(/No required SSL certificate was sent/g, 'The SSL certificate error'), 400)).toBe('The SSL certificate error');
    const iis = '<html><head><title>403 - Forbidden: Access is denied.</title></head><body><div id="header"><h1>Server Error</h1></div><h2>HTTP Error 403.7 - Forbidden</h2><h3>The page requires a client certificate.</h3></body></html>';
    expect(pageHeadline(iis, 403)).toBe('HTTP Error 403.7 - Forbidden');
    expect(pageHeadline('<html><head><title>Access &amp; denial</title></head><body><p>no</p></body></html>', 403)).toBe('Access & denial');
    expect(pageHeadline('plain text, no markup', 403)).toBeNull();
  });
});
