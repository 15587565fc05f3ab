import { describe, expect, it } from 'vitest';
import { finding } from '../../shared/findings/catalogue';
import { EMPTY_SERVER_EVIDENCE, type IisAppSettings, type ServerEvidence } from '../../shared/model/server';
import {
  bigFileCommand,
  evidenceCounts,
  bindingSslFlagsWords,
  clientAuthTrustModeWords,
  clientCertState,
  defaultFlagsWords,
  eventLoggingWords,
  findingsFor,
  hasServerEvidence,
  ignoredMappingReason,
  kindWords,
  negotiationWords,
  originWords,
  shortHash,
  sslFlagBadges,
  statusWords,
  storeWords,
  trustedIssuerListWords,
  win32MeaningWords,
} from '../../renderer/src/ui/server/server-words';
import { inputRows } from '../../renderer/src/ui/server/server-inputs';
import { tooBigMessage } from '../../renderer/src/ui/server/use-server-analysis';


/**
 * The Server side page's words for the settings behind a 403.7: what a helpdesk user reads next to
 * each raw value (reference items 4-10 of windows-formats.md, field note 001).
 */

function app(over: Partial<IisAppSettings> = {}): IisAppSettings {
  return {
    path: 'Default Web Site/api',
    site: 'Default Web Site',
    application: '/api',
    applicationPool: 'ApiPool',
    physicalPath: 'C:\\inetpub\\api',
    sslFlags: { flags: ['Ssl', 'SslNegotiateCert'], origin: { location: 'Default Web Site/api', level: 'application', file: 'applicationHost.config', line: 212 } },
    anonymous: { enabled: false, origin: null },
    iisMapping: { enabled: true, oneToOne: 0, manyToOne: 0, origin: null },
    adMapping: { enabled: false, origin: null },
    wcfServices: [],
    ...over,
  };
}

describe('client certificate settings of an IIS application', () => {
  it('reads sslFlags the way IIS Manager shows them: Require, Accept or Ignore', () => {
    expect(clientCertState(['Ssl', 'SslNegotiateCert', 'SslRequireCert'])).toBe('Required');
    expect(clientCertState(['Ssl', 'SslRequireCert'])).toBe('Required');
    expect(clientCertState(['Ssl', 'SslNegotiateCert'])).toBe('Accepted');
    expect(clientCertState([' sslnegotiatecert '])).toBe('Accepted');
    expect(clientCertState(['Ssl'])).toBe('Ignored');
    expect(clientCertState([])).toBe('Ignored');
  });

  it('shows the three badges on or off, and any other flag as written', () => {
    expect(sslFlagBadges(['Ssl', 'SslRequireCert', 'Ssl128']).map((b) => `${b.flag}:${b.on}`)).toEqual([
      'Ssl:true',
      'SslNegotiateCert:false',
      'SslRequireCert:true',
      'Ssl128:true',
    ]);
    expect(sslFlagBadges(['None']).every((b) => !b.on)).toBe(true);
  });

  it('flags certificate mappings defined for an application: IIS reads them at site level only', () => {
    const atApp = app({ iisMapping: { enabled: true, oneToOne: 2, manyToOne: 0, origin: { location: 'Default Web Site/api', level: 'application', file: 'applicationHost.config', line: 230 } } });
    expect(ignoredMappingReason(atApp)).toMatch(/IIS ignores this.*site level only/);
    const atSite = app({ iisMapping: { enabled: true, oneToOne: 2, manyToOne: 1, origin: { location: 'Default Web Site', level: 'site', file: 'applicationHost.config', line: 40 } } });
    expect(ignoredMappingReason(atSite)).toBeNull();
    // Only enabling the feature below the site, with the mappings at the site, is how it is meant to be used.
    const enabledOnly = app({ iisMapping: { enabled: true, oneToOne: 0, manyToOne: 0, origin: { location: 'Default Web Site/api', level: 'application', file: 'web.config', line: 8 } } });
    expect(ignoredMappingReason(enabledOnly)).toBeNull();
  });

  it('also flags an application the rules named in iis.mapping-at-application-level', () => {
    const f = finding('iis.mapping-at-application-level', 'Mappings below the site', 'ignored', [], { params: { location: 'Default Web Site/API/' } });
    expect(ignoredMappingReason(app(), [f])).not.toBeNull();
    expect(findingsFor(app(), [f, finding('iis.ssl-flags-not-requiring-cert', 't', 'd', [], { params: { location: 'Other Site' } })])).toEqual([f]);
  });

  it('says where each setting came from, file and line', () => {
    expect(originWords({ location: 'Default Web Site/api', level: 'application', file: 'applicationHost.config', line: 212 })).toBe(
      'application Default Web Site/api · applicationHost.config:212',
    );
    expect(originWords({ location: 'server', level: 'server', file: 'applicationHost.config', line: null })).toBe('server level · applicationHost.config');
    expect(originWords(null)).toBe('not configured: the IIS default');
  });

  it('decodes a site binding\'s own sslFlags (not <access sslFlags>)', () => {
    expect(bindingSslFlagsWords(0)).toBe('IP:port');
    expect(bindingSslFlagsWords(33)).toBe('SNI (host name), TLS 1.3 disabled');
    expect(bindingSslFlagsWords(256)).toBe('unknown bits 0x00000100');
    expect(bindingSslFlagsWords(null)).toBeNull();
  });
});

describe('HTTP.SYS binding words', () => {
  it('says when the certificate is asked for, and why "No" matters', () => {
    expect(negotiationWords(true).text).toBe('Yes');
    expect(negotiationWords(false)).toEqual({ text: 'No', title: expect.stringMatching(/only after the request, by TLS 1\.2 renegotiation/) });
    expect(negotiationWords(null).text).toBe('Not shown');
  });

  it('shows DefaultFlags in hex with the decoded names in its title', () => {
    expect(defaultFlagsWords({ defaultFlags: 0x42, flagNames: ['NEGOTIATE_CLIENT_CERT', 'DISABLE_TLS13'] })).toEqual({
      text: '0x00000042',
      title: 'DefaultFlags 0x00000042 = 66: NEGOTIATE_CLIENT_CERT, DISABLE_TLS13',
    });
    expect(defaultFlagsWords({ defaultFlags: 0, flagNames: [] }).title).toBe('DefaultFlags 0x00000000 = 0: no flags set');
    expect(defaultFlagsWords({ defaultFlags: null, flagNames: [] }).text).toBe('Not shown');
  });

  it('shortens hashes and names the default store', () => {
    expect(shortHash('61d34f532da121bbab64723c4871e72c92f03735')).toBe('61d34f53…');
    expect(storeWords(null)).toBe('MY (default)');
    expect(storeWords('')).toBe('MY (default)');
    expect(storeWords('WebHosting')).toBe('WebHosting');
  });
});

describe('Schannel words', () => {
  it('explains SendTrustedIssuerList absent, 0 and 1', () => {
    expect(trustedIssuerListWords(null)).toMatchObject({ value: 'Not set', words: expect.stringMatching(/2012 and later send no CA list/) });
    expect(trustedIssuerListWords(0)).toMatchObject({ value: '0', tone: 'warn', words: expect.stringMatching(/No CA list is sent/) });
    expect(trustedIssuerListWords(1)).toMatchObject({ value: '1', words: expect.stringMatching(/trusted CAs is sent/) });
  });

  it('names ClientAuthTrustMode', () => {
    expect(clientAuthTrustModeWords(null).words).toMatch(/^Machine Trust \(the default\)/);
    expect(clientAuthTrustModeWords(1).words).toMatch(/^Exclusive Root Trust/);
    expect(clientAuthTrustModeWords(2).words).toMatch(/^Exclusive CA Trust/);
    expect(clientAuthTrustModeWords(7).words).toMatch(/unknown mode/);
  });

  it('says when EventLogging hides the 36885 warning', () => {
    expect(eventLoggingWords(null)).toMatchObject({ value: 'Not set (1)', hidesWarnings: true, words: 'Logs errors; warnings such as 36885 (CA list cut at 16 KB) are not logged.' });
    expect(eventLoggingWords(7)).toMatchObject({ value: '7 (0x7)', hidesWarnings: false, words: 'Logs errors, warnings and successes and information.' });
    expect(eventLoggingWords(3).hidesWarnings).toBe(false);
  });
});

describe('inputs', () => {
  it('names each recognised kind in words', () => {
    expect(kindWords('netsh-sslcert')).toBe('netsh http show sslcert output');
    expect(kindWords('iis-config', 'applicationHost')).toBe('IIS applicationHost.config');
    expect(kindWords('iis-config', 'web.config')).toBe('IIS web.config');
    expect(kindWords('w3c-log')).toBe('W3C log (IIS)');
    expect(kindWords('unknown')).toBe('Not recognised');
  });

  it('joins attached files to what the service recognised, and lists other sources after them', () => {
    const evidence: ServerEvidence = {
      ...EMPTY_SERVER_EVIDENCE,
      origin: 'mixed',
      inputs: [
        { name: 'applicationHost.config', kind: 'iis-config', bytes: 9000, error: null },
        // As the service words it: the name, "not recognised", then what to attach instead.
        { name: 'notes.txt', kind: 'unknown', bytes: 12, error: 'notes.txt: not recognised: attach netsh output, a registry export or IIS configuration' },
        { name: 'netsh http show sslcert (this machine)', kind: 'netsh-sslcert', bytes: 800, error: null },
      ],
      iis: [{ source: 'applicationHost.config', kind: 'applicationHost', sites: [], appPools: [], notes: [] }],
    };
    const file = (name: string, size: number) => ({ name, size, lastModified: 1 }) as File;
    const rows = inputRows(evidence, [
      { key: 'a', file: file('notes.txt', 12) },
      { key: 'b', file: file('applicationHost.config', 9000) },
      { key: 'c', file: file('u_ex260317.log', 400) },
    ]);
    expect(rows.map((r) => [r.name, r.kindText, r.error])).toEqual([
      // The row names the file: its error does not repeat the name.
      ['notes.txt', 'Not recognised', 'Attach netsh output, a registry export or IIS configuration'],
      ['applicationHost.config', 'IIS applicationHost.config', null],
      ['u_ex260317.log', 'Not read yet', null],
      ['netsh http show sslcert (this machine)', 'netsh http show sslcert output', null],
    ]);
  });

  it('shows a win32 meaning without repeating the number in its own column', () => {
    expect(win32MeaningWords('2148204809', '2148204809 = 0x800B0109 CERT_E_UNTRUSTEDROOT: the chain ends in an untrusted root')).toBe('0x800B0109 CERT_E_UNTRUSTEDROOT: the chain ends in an untrusted root');
    expect(win32MeaningWords('64', 'ERROR_NETNAME_DELETED')).toBe('ERROR_NETNAME_DELETED');
  });

  it('refuses a big file in one line that gives the command for it', () => {
    expect(tooBigMessage('u_ex260317.log', 120 * 1024 * 1024)).toBe(
      'u_ex260317.log is too big for this page (120 MB; the limit is 16 MB per file). For a big log run: certbench diagnose --attach u_ex260317.log',
    );
    expect(bigFileCommand("IIS log's copy.log")).toBe("certbench diagnose --attach 'IIS log''s copy.log'");
  });
});

describe('what the page offers', () => {
  it('offers a last diagnosis only when it read something', () => {
    expect(hasServerEvidence(EMPTY_SERVER_EVIDENCE)).toBe(false);
    expect(hasServerEvidence(null)).toBe(false);
    expect(hasServerEvidence({ ...EMPTY_SERVER_EVIDENCE, notes: ['Reading the live configuration works on Windows only.'] })).toBe(true);
  });

  it('counts what a reading holds in words', () => {
    expect(evidenceCounts({ ...EMPTY_SERVER_EVIDENCE, schannel: { sendTrustedIssuerList: null, clientAuthTrustMode: null, eventLogging: null, protocols: [], impliedIssuerList: '', source: 'x' } })).toBe(
      'Schannel settings',
    );
  });

  it('words IIS statuses', () => {
    expect(statusWords('403.7')).toBe('Client certificate required');
    expect(statusWords('200.0')).toBe('OK');
    expect(statusWords('403.99')).toBe('Forbidden');
  });
});
