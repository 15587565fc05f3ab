import { describe, expect, it } from 'vitest';
import { testServices } from '../helpers/services';
import { analyzeLogBytes } from '../../electron/services/server/read-log';
import { parseIisConfig } from '../../shared/server/iis-config';
import { iisFindings } from '../../shared/server/iis-findings';
import { recognizeEvidence } from '../../shared/server/recognize';
import { parseRegistryExport, schannelFromRegistry } from '../../shared/server/registry-export';
import { schannelFindings } from '../../shared/server/windows-findings';
import { fixture } from '../fixtures/windows/load';

/** W3C logs, configuration fragments and registry exports as pasted, and their look-alikes. */

const pasted = (name: string) => fixture(`pasted/${name}`);
const ctx = () => ({ progress: () => undefined, signal: new AbortController().signal });
const attach = (name: string, text: string) => ({ name, bytes: new Uint8Array(Buffer.from(text, 'utf8')) });
const services = testServices();

describe('W3C log excerpts and the firewall log', () => {
  it('an IIS log from its #Fields row on, with the Get-Content prompt: recognised, the 403.7 and the 500/64 before it counted', () => {
    const text = pasted('w3c-fields-only.txt');
    expect(recognizeEvidence(text)).toBe('w3c-log');
    const stats = analyzeLogBytes(Buffer.from(text), 'excerpt.txt');
    expect(stats.records).toBe(4);
    // The two prompt rows are not damaged records.
    expect(stats.malformed).toBe(0);
    expect(stats.clientCertFailures.map((f) => [f.status, f.count])).toEqual([
      ['403.7', 1],
      ['403.16', 1],
    ]);
    expect(stats.pattern500Then4037Total).toBe(1);
  });

  it('pfirewall.log is not an IIS log: one line says what it is, attached or read as a log', async () => {
    const text = pasted('pfirewall.log.txt');
    expect(recognizeEvidence(text)).toBe('unknown');
    expect(() => analyzeLogBytes(Buffer.from(text), 'pfirewall.log')).toThrow(/^pfirewall\.log: a Windows Firewall log \(pfirewall\.log: .*not an IIS W3C log; attach the IIS log from /);
    const r = await services.server({ attachments: [attach('u_ex261117.log', text)], live: false }, ctx());
    expect(r.inputs).toMatchObject([{ name: 'u_ex261117.log', kind: 'unknown' }]);
    expect(r.inputs[0]!.error).toMatch(/^u_ex261117\.log: a Windows Firewall log .*not an IIS W3C log/);
    expect(r.inputs[0]!.error!.split('\n')).toHaveLength(1);
    expect(r.logs).toEqual([]);
  });
});

describe('configuration fragments', () => {
  it('a web.config holding only <system.serviceModel>, pasted with its prompt: recognised and its WCF service found', () => {
    const text = pasted('web-config-servicemodel-fragment.txt');
    expect(recognizeEvidence(text)).toBe('iis-config');
    const config = parseIisConfig(text, 'web.config');
    expect(config.kind).toBe('web.config');
    const app = config.sites.flatMap((s) => s.applications)[0]!;
    expect(app.wcfServices).toEqual(['Contoso.Orders.OrderService']);
    // Line numbers stay those of the paste: the <endpoint> is on row 15, below the prompt row.
    expect(app.wcf?.[0]?.origin.line).toBe(15);
    expect(config.notes.join('\n')).toMatch(/is a fragment \(<system\.serviceModel> without <configuration>\)/);
    expect(iisFindings([config]).map((f) => f.id)).not.toContain('iis.mapping-at-application-level');
  });
});

describe('registry exports', () => {
  it('an export of SCHANNEL\\Protocols only: the SCHANNEL values are "not in this export", never "not set", and no finding claims them', async () => {
    const text = pasted('reg-schannel-protocols-only.reg.txt');
    const s = schannelFromRegistry(parseRegistryExport(text, 'protocols.reg'), 'protocols.reg')!;
    expect(s).toMatchObject({ sendTrustedIssuerList: null, keyInExport: false });
    expect(s.protocols.map((p) => [p.protocol, p.enabled])).toEqual([
      ['TLS 1.3', 0],
      ['TLS 1.2', 1],
    ]);
    expect(s.impliedIssuerList).toMatch(/not in this export/);
    expect(s.impliedIssuerList).not.toMatch(/not set|means 0/i);
    expect(schannelFindings(s)).toEqual([]);
    const r = await services.server({ attachments: [attach('protocols.reg', text)], live: false }, ctx());
    expect(r.findings.map((f) => f.id)).not.toContain('schannel.trusted-issuer-list-off');
  });

  it('a .reg typed in cmd and copied without its header row: read, SendTrustedIssuerList = 0 flagged', () => {
    const text = pasted('reg-schannel-headerless.txt');
    expect(recognizeEvidence(text)).toBe('registry-export');
    const s = schannelFromRegistry(parseRegistryExport(text, 'clip.txt'), 'clip.txt')!;
    expect(s.sendTrustedIssuerList).toBe(0);
    expect(schannelFindings(s).map((f) => [f.id, f.evidence[0]!.text])).toEqual([['schannel.trusted-issuer-list-off', 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL SendTrustedIssuerList = 0']]);
  });
});
