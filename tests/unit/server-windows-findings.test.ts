import { describe, expect, it } from 'vitest';
import { FindingSchema } from '../../shared/findings/catalogue';
import type { SchannelSettings } from '../../shared/model/server';
import { parseNetshSslcert } from '../../shared/server/netsh-sslcert';
import { bindingsFromRegistry, parseRegistryExport, schannelFromRegistry } from '../../shared/server/registry-export';
import { parseSchannelEvents, summarizeEvents } from '../../shared/server/schannel-events';
import { bindingFindings, eventFindings, schannelFindings } from '../../shared/server/windows-findings';
import { fixture } from '../fixtures/windows/load';

describe('iis.client-cert-negotiation-off (reference sections 4, 5 and 8)', () => {
  it('netsh: one warning for 0.0.0.0:443, none for the binding that negotiates; evidence is the printed line', () => {
    const findings = bindingFindings(parseNetshSslcert(fixture('netsh-sslcert-ws2012r2.txt'), 'netsh.txt'));
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(FindingSchema.parse(f)).toEqual(f);
    expect(f).toMatchObject({
      id: 'iis.client-cert-negotiation-off',
      severity: 'warning',
      title: 'HTTP.SYS binding 0.0.0.0:443 asks for client certificates only after the request',
      evidence: [{ kind: 'netsh', text: '0.0.0.0:443: Negotiate Client Certificate : Disabled' }],
      params: {
        binding: '0.0.0.0:443',
        bindingKind: 'ipport',
        certHash: '61D34F532DA121BBAB64723C4871E72C92F03735',
        appId: '{4dc3e181-e14b-4a21-b022-59fc669b0914}',
        certStoreName: 'My',
      },
    });
    expect(f!.detail).toContain('netsh http update sslcert ipport=0.0.0.0:443 ... clientcertnegotiation=enable');
    expect(f!.detail).toContain('Under TLS 1.3 there is no renegotiation');
  });

  it('German netsh: the evidence quotes the German line', () => {
    const findings = bindingFindings(parseNetshSslcert(fixture('netsh-sslcert-de.txt'), 'de.txt'));
    expect(findings.map((f) => f.evidence[0]!.text)).toEqual(['0.0.0.0:443: Clientzertifikat aushandeln : Deaktiviert']);
    // That binding has TLS 1.3 disabled: renegotiation works there.
    expect(findings[0]!.detail).toContain('TLS 1.3 is disabled on this binding');
  });

  it('registry: the DefaultFlags value is the evidence, and the applications that ask for a certificate are named', () => {
    const reg = parseRegistryExport(fixture('registry-http-schannel.reg.txt'), 'http.reg');
    const findings = bindingFindings(bindingsFromRegistry(reg, 'http.reg'), { clientCertRequiredPaths: ['Default Web Site/secure', 'Shop/'] });
    expect(findings.map((f) => f.params?.binding)).toEqual(['0.0.0.0:443']);
    expect(findings[0]!.evidence).toEqual([
      { kind: 'registry', text: 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo\\0.0.0.0:443 DefaultFlags not set (0): NEGOTIATE_CLIENT_CERT (0x2) is clear' },
    ]);
    expect(findings[0]!.detail).toContain('Applications that ask for a client certificate: Default Web Site/secure, Shop/.');
  });

  it('a binding whose negotiation setting is unknown raises nothing', () => {
    const [b] = parseNetshSslcert(fixture('netsh-sslcert-full.txt'), 'x');
    expect(bindingFindings([{ ...b!, negotiateClientCertificate: null }])).toEqual([]);
  });
});

describe('schannel.trusted-issuer-list-off (reference section 6)', () => {
  const reg = parseRegistryExport(fixture('registry-http-schannel.reg.txt'), 'http.reg');
  const settings = (patch: Partial<SchannelSettings>, os?: string) => ({ ...schannelFromRegistry(reg, 'http.reg', os ? { os: { version: os, caption: 'Windows Server' } } : {})!, ...patch });

  it('0: info, saying the client is offered every certificate, with params {}', () => {
    const [f, ...rest] = schannelFindings(settings({ sendTrustedIssuerList: 0, impliedIssuerList: 'SendTrustedIssuerList is 0: the server sends no CA names ...' }));
    expect(rest).toEqual([]);
    expect(FindingSchema.parse(f)).toEqual(f);
    expect(f).toMatchObject({ id: 'schannel.trusted-issuer-list-off', severity: 'info', params: {} });
    expect(f!.evidence[0]!.text).toBe('HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL SendTrustedIssuerList = 0');
  });
  it('absent on Windows Server 2019: the same finding, with the sentence about every certificate offered', () => {
    const [f] = schannelFindings(settings({}, '10.0.17763'));
    expect(f!.evidence.map((e) => e.text)).toEqual([
      'HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL SendTrustedIssuerList not set (means 0 on this Windows version)',
      'Windows Server 10.0.17763',
    ]);
    expect(f!.detail).toMatch(/the client is offered every certificate it has/);
  });
  it('absent on 2008 R2, and 1 anywhere: no finding (the list is sent)', () => {
    expect(schannelFindings(settings({}, '6.1.7601'))).toEqual([]);
    expect(schannelFindings(settings({ sendTrustedIssuerList: 1 }, '10.0.17763'))).toEqual([]);
  });
});

describe('Schannel event findings (reference section 9)', () => {
  const summary = (name: string) => summarizeEvents(parseSchannelEvents(fixture(name), name), name);

  it('wevtutil XML: truncation event, unknown_ca received, certificate_unknown sent, and the unreadable key', () => {
    const findings = eventFindings([summary('events-wevtutil.xml')]);
    for (const f of findings) expect(FindingSchema.parse(f)).toEqual(f);
    expect(findings.map((f) => [f.id, f.severity, f.title])).toEqual([
      ['schannel.ca-list-truncated', 'error', 'Schannel cut the list of trusted CAs it sends to clients'],
      ['schannel.client-cert-alert', 'warning', 'Schannel sent fatal alert 46 certificate_unknown'],
      ['schannel.client-cert-alert', 'warning', 'Schannel received fatal alert 48 unknown_ca'],
      ['schannel.server-key-unreadable', 'error', "Schannel could not use the server certificate's private key"],
    ]);
    expect(findings[0]!.evidence).toEqual([{ kind: 'event', text: expect.stringMatching(/^2026-03-17T07:59:40\.000Z Warning 36885: When asking for client authentication/) as unknown as string }]);
    expect(findings[2]!.detail).toMatch(/^The other side sent alert 48 unknown_ca: it refused a certificate this machine sent \(its issuer is not trusted there\)/);
    expect(findings[3]!.detail).toContain('with 0x8009030D');
  });

  it('CSV: alert 116 sent by the server means the client sent no certificate; 36874 (no shared cipher) raises nothing', () => {
    const findings = eventFindings([summary('events-eventviewer.csv'), summary('events-get-winevent.json')]);
    const alerts = findings.filter((f) => f.id === 'schannel.client-cert-alert');
    expect(alerts.map((f) => f.title)).toEqual([
      'Schannel sent fatal alert 48 unknown_ca',
      'Schannel sent fatal alert 116 certificate_required',
      'Schannel sent fatal alert 40 handshake_failure',
      'Schannel received fatal alert 48 unknown_ca',
    ]);
    expect(alerts[1]!.detail).toMatch(/^This machine sent alert 116 certificate_required: it required a client certificate and the client sent none/);
    expect(findings.some((f) => f.evidence.some((e) => e.text.includes('36874')))).toBe(false);
  });

  it('no events, no findings', () => {
    expect(eventFindings([summarizeEvents([], 'empty')])).toEqual([]);
  });
});
