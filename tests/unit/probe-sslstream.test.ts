import { describe, expect, it } from 'vitest';
import { describeFailure, describeSslStreamAnswer, type SslStreamAnswer } from '../../electron/services/probe/sslstream';
import { sslStreamProbeScript } from '../../electron/services/probe/sslstream-script';
import { MAX_ENCODED_LENGTH, powerShellArgs } from '../../electron/platform/windows/powershell';
import { encode, encodeOid, seq } from '../../shared/asn1/encode';
import { sslStreamChoice } from '../../electron/services/probe/choose-client';
import type { StoreCertificate } from '../../shared/model/store';
import { createRedactor } from '../../shared/bundle/redact';

/**
 * The SslStream client's answers as Windows PowerShell 5.1 prints them on Windows, mapped onto the
 * probe report. These answers are constructed here (no Windows machine runs in CI) from the script's
 * own output shape, which the integration test runs for real on PowerShell 7, with the values
 * Windows puts in them: PSEdition "Desktop", OSVersion.Platform "Win32NT", .NET Framework 4.8's
 * FrameworkDescription, SslProtocol names, CipherAlgorithm instead of NegotiatedCipherSuite, and a
 * Win32Exception whose NativeErrorCode is the signed SEC_E_* value (winerror.h).
 */
const windowsAnswer = (over: Partial<SslStreamAnswer> = {}): SslStreamAnswer => ({
  client: 'powershell',
  powershell: '5.1.20348.2849',
  edition: 'Desktop',
  framework: '.NET Framework 4.8.4739.0',
  os: 'Win32NT',
  certificate: { thumbprint: 'A01A49EEC088CCC9E1A149529F694A0AFBC48F73', store: 'CurrentUser\\My', der: '', hasKey: true, chain: [] },
  protocol: 'Tls12',
  cipher: 'Aes256 256-bit, Sha384, 44550',
  mutual: false,
  events: [
    { ms: 31.2, what: 'connected' },
    { ms: 80.4, what: 'handshake-done' },
    { ms: 82, what: 'request-sent' },
  ],
  calls: [{ ms: 33, when: 'handshake', serverKnown: false, issuers: [], issuerDer: [], answered: null }],
  serverDer: null,
  serverErrors: 'None',
  response: '',
  truncated: false,
  failedAt: null,
  failure: null,
  candidates: [],
  notes: [],
  ...over,
});

const ctx = { kind: 'client-certificate' as const, label: 'Presenting A01A49EEC088CCC9E1A149529F694A0AFBC48F73 from the personal store, through PowerShell (.NET SslStream, Schannel)', thumbprint: 'A01A49EEC088CCC9E1A149529F694A0AFBC48F73', path: '/secure/', at: new Date('2026-12-01T00:00:00Z'), durationMs: 900 };

/** "CN=Contoso Issuing CA, O=Contoso" as DER, the way the script sends each issuer back for RFC 4514. */
const rdn = (oid: string, value: string) => encode(0x31, seq(encodeOid(oid), encode(0x0c, new TextEncoder().encode(value))));
const ISSUER_DER = Buffer.from(seq(rdn('2.5.4.10', 'Contoso'), rdn('2.5.4.3', 'Contoso Issuing CA')));

describe('SslStream answers from Windows (Schannel)', () => {
  it('renegotiation refused: the selection callback after the request, then SEC_E_ILLEGAL_MESSAGE in Schannel words', async () => {
    const { attempt } = await describeSslStreamAnswer(
      windowsAnswer({
        calls: [
          { ms: 33, when: 'handshake', serverKnown: false, issuers: [], issuerDer: [], answered: null },
          { ms: 95.5, when: 'after-request', serverKnown: true, issuers: ['CN=Contoso Issuing CA, O=Contoso'], issuerDer: [ISSUER_DER.toString('base64')], answered: 'A01A49EEC088CCC9E1A149529F694A0AFBC48F73' },
        ],
        failedAt: 'request',
        failure: {
          text: 'System.IO.IOException: Authentication failed because the remote party has closed the transport stream. | System.ComponentModel.Win32Exception: The message received was unexpected or badly formatted',
          chain: [
            { type: 'System.IO.IOException', message: 'Authentication failed because the remote party has closed the transport stream.', hresult: -2146232800, native: null },
            { type: 'System.ComponentModel.Win32Exception', message: 'The message received was unexpected or badly formatted', hresult: -2147467259, native: -2146893018 },
          ],
        },
      }),
      ctx,
    );
    expect(attempt.client).toBe('powershell');
    expect(attempt.tls).toEqual({ version: 'TLS 1.2', cipher: 'Aes256 256-bit, Sha384, 44550' });
    expect(attempt.clientAuth.mode).toBe('renegotiation');
    expect(attempt.clientAuth.reason).toContain('after the HTTP request (a TLS 1.2 renegotiation) with 1 acceptable issuer');
    expect(attempt.sslStream!.selectionCalls[1]!.issuersRfc4514).toEqual(['CN=Contoso Issuing CA,O=Contoso']);
    expect(attempt.sslStream!.runtime).toBe('Windows PowerShell 5.1.20348.2849 on .NET Framework 4.8.4739.0 (Schannel)');
    expect(attempt.sslStream!.failure).toMatchObject({ code: '0x80090326', name: 'SEC_E_ILLEGAL_MESSAGE' });
    expect(attempt.error).toMatch(/^failed after the request: SEC_E_ILLEGAL_MESSAGE \(0x80090326\): the peer sent a fatal TLS alert/);
    expect(attempt.ending).toBe('failed after the request (Schannel: SEC_E_ILLEGAL_MESSAGE)');
    // Schannel does not say which alert came: none is invented.
    expect(attempt.alerts).toEqual([]);
    expect(attempt.clientCertificate).toEqual({ presented: true, accepted: false, thumbprint: ctx.thumbprint });
  });

  it('a smart-card key that needs a PIN in a non-interactive session: NTE_SILENT_CONTEXT, said as such', () => {
    const { failure } = describeFailure({
      text: 'x',
      chain: [
        { type: 'System.Security.Authentication.AuthenticationException', message: 'A call to SSPI failed, see inner exception.', hresult: -2146233087, native: null },
        { type: 'System.ComponentModel.Win32Exception', message: 'Provider could not perform the action since the context was acquired as silent.', hresult: -2147467259, native: -2146893790 },
      ],
    });
    expect(failure).toMatchObject({ code: '0x80090022', name: 'NTE_SILENT_CONTEXT' });
    expect(failure.words).toContain('PIN');
  });

  it('an HTTP 403.7 through Schannel keeps the IIS sub-status', async () => {
    const page = 'HTTP/1.1 403 Forbidden\r\nServer: Microsoft-IIS/10.0\r\nContent-Length: 60\r\n\r\n<h3>HTTP Error 403.7 - Forbidden</h3><p>certificate</p>....';
    const { attempt } = await describeSslStreamAnswer(windowsAnswer({ response: Buffer.from(page).toString('base64'), events: [...windowsAnswer().events, { ms: 90, what: 'response' }, { ms: 91, what: 'closed' }] }), { ...ctx, thumbprint: null, kind: 'default' });
    expect(attempt.http).toEqual({ status: 403, subStatus: 7, reason: 'Forbidden', server: 'Microsoft-IIS/10.0', message: 'HTTP Error 403.7 - Forbidden' });
    // The callback was only called before the handshake: the server never asked.
    expect(attempt.clientAuth.mode).toBe('none');
    expect(attempt.timeline.map((e) => e.message)).toEqual(['TCP connected', '(handshake complete: TLS 1.2, Aes256 256-bit, Sha384, 44550)', 'Application Data (GET /secure/ HTTP/1.1)', 'Application Data (HTTP 403 Forbidden)', 'Connection closed by the server']);
  });

  it('OpenSSL\'s packed error: reason 1000+N is alert N from the peer', () => {
    const { failure, alert } = describeFailure({ text: 'x', chain: [{ type: 'Interop+Crypto+OpenSslCryptographicException', message: 'error:0A000418:SSL routines::tlsv1 alert unknown ca', hresult: 167773208, native: null }] });
    expect(alert).toBe(48);
    expect(failure).toMatchObject({ code: '0A000418', name: 'tlsv1 alert unknown ca', words: 'the server sent fatal alert 48 (unknown_ca)' });
  });
});

describe('the SslStream script', () => {
  it('fits one -EncodedCommand with hostile host, path and a 40-digit thumbprint', () => {
    const script = sslStreamProbeScript({ host: "evil'$(x)`host", port: 443, servername: 'a\u2019b', request: `GET /${'x'.repeat(2000)}' HTTP/1.1\r\n\r\n`, thumbprint: 'A'.repeat(40), tls: '1.3', timeoutMs: 15_000, maxResponseBytes: 65536, maxCandidates: 200 });
    expect(() => powerShellArgs(script)).not.toThrow();
    expect(powerShellArgs(script).at(-1)!.length).toBeLessThanOrEqual(MAX_ENCODED_LENGTH);
  });

  it('refuses a thumbprint that is not 40 hex digits (it is pasted into the script)', () => {
    expect(() => sslStreamProbeScript({ host: 'h', port: 1, servername: 'h', request: 'GET / HTTP/1.1\r\n\r\n', thumbprint: "A' ; rm", tls: 'default', timeoutMs: 1000, maxResponseBytes: 1, maxCandidates: 1 })).toThrow(/40 upper-case hex/);
  });
});

describe('which client presents a store certificate (auto)', () => {
  const entry = (providerKind: 'cng' | 'capi' | 'file', status: 'present' | 'missing' = 'present') =>
    ({ storeId: 'windows:CurrentUser\\My', key: { status, providerKind, provider: providerKind === 'cng' ? 'Microsoft Smart Card Key Storage Provider' : null, path: null, container: null, detail: null } }) as unknown as StoreCertificate;

  it('on Windows a key held by CNG or CAPI goes to Schannel, saying why; a key file stays with Certbench', () => {
    const cng = sslStreamChoice('auto', entry('cng'), 'win32', 'powershell.exe');
    expect(cng.use).toBe(true);
    expect(cng.why).toContain('held by Windows (Microsoft Smart Card Key Storage Provider)');
    expect(sslStreamChoice('auto', entry('capi'), 'win32', 'powershell.exe').use).toBe(true);
    expect(sslStreamChoice('auto', entry('file'), 'win32', 'powershell.exe').use).toBe(false);
    expect(sslStreamChoice('auto', entry('cng', 'missing'), 'win32', 'powershell.exe').use).toBe(false);
  });

  it('off Windows, or when asked for Certbench, or without PowerShell, auto stays with Certbench', () => {
    expect(sslStreamChoice('auto', entry('cng'), 'linux', '/usr/bin/pwsh').use).toBe(false);
    expect(sslStreamChoice('certbench', entry('cng'), 'win32', 'powershell.exe').use).toBe(false);
    expect(sslStreamChoice('auto', entry('cng'), 'win32', null).use).toBe(false);
  });

  it('asking for PowerShell where there is none is one line with the way to install it', () => {
    expect(() => sslStreamChoice('powershell', null, 'linux', null)).toThrow('PowerShell is not installed here, so the Windows TLS client cannot run: install PowerShell: dotnet tool install --global PowerShell --version 7.6.10');
  });
});

describe('a PowerShell attempt in a redacted bundle', () => {
  it('leaves no CA name, subject or store path of the SslStream details behind', async () => {
    const { attempt } = await describeSslStreamAnswer(
      windowsAnswer({
        calls: [{ ms: 95.5, when: 'after-request', serverKnown: true, issuers: ['CN=Contoso Issuing CA, O=Contoso'], issuerDer: [ISSUER_DER.toString('base64')], answered: ctx.thumbprint }],
      }),
      ctx,
    );
    attempt.sslStream!.offers = [{ thumbprint: ctx.thumbprint, subject: 'CN=alice.contoso,O=Contoso', commonName: 'alice.contoso', source: 'CurrentUser\\My', wouldOffer: true, matchedCa: 'CN=Contoso Issuing CA,O=Contoso', reasons: [] }];
    const redactor = createRedactor(['hosts', 'accounts', 'ips', 'subjects']);
    redactor.learn(attempt);
    const out = JSON.stringify(redactor.json(attempt));
    for (const original of ['Contoso Issuing CA', 'alice.contoso', 'O=Contoso']) expect(out).not.toContain(original);
    // The thumbprint stays: findings and fixes refer to certificates by it (redact.ts, limits).
    expect(out).toContain(ctx.thumbprint);
  });
});
