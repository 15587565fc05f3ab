import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CertbenchError } from '../../shared/errors';
import { IisConfigSchema, type IisAppSettings, type IisConfig } from '../../shared/model/server';
import { IIS_CONFIG_LIMIT, parseAccessSslFlags, parseIisConfig } from '../../shared/server/iis-config';
import { iisFindings, requiresClientCert } from '../../shared/server/iis-findings';
import { fixture } from '../fixtures/windows/load';

const APPHOST = fixture('applicationhost-two-sites.config');
const WEBCONFIG = fixture('web-config-wcf-anonymous-off.config');

/** 1-based line of the first line containing `needle`: what a user sees in Notepad. */
function lineOf(text: string, needle: string, from = 0): number {
  const at = text.indexOf(needle, from);
  if (at < 0) throw new Error(`not in fixture: ${needle}`);
  return text.slice(0, at).split('\n').length;
}

function app(config: IisConfig, path: string): IisAppSettings {
  const found = config.sites.flatMap((s) => s.applications).find((a) => a.path === path);
  if (!found) throw new Error(`no application ${path}; have ${config.sites.flatMap((s) => s.applications.map((a) => a.path)).join(', ')}`);
  return found;
}

/** A minimal applicationHost.config with one site "S" and an application "/app". */
function appHost(body: string, extraApps = ''): string {
  return `<?xml version="1.0"?>
<configuration>
  <system.applicationHost>
    <sites>
      <site name="S" id="1">
        <application path="/"><virtualDirectory path="/" physicalPath="C:\\s" /></application>
        <application path="/app"><virtualDirectory path="/" physicalPath="C:\\app" /></application>
        ${extraApps}
      </site>
    </sites>
  </system.applicationHost>
${body}
</configuration>`;
}

describe('parseIisConfig: applicationHost.config (reference 8)', () => {
  const config = parseIisConfig(APPHOST, 'applicationHost.config');

  it('recognises applicationHost.config and matches the schema', () => {
    expect(config.kind).toBe('applicationHost');
    expect(IisConfigSchema.parse(config)).toEqual(config);
    expect(config.notes).toEqual([]);
  });

  it('lists sites with their bindings and the binding sslFlags bitfield', () => {
    expect(config.sites.map((s) => [s.name, s.id])).toEqual([
      ['Default Web Site', '1'],
      ['Secure Site', '2'],
    ]);
    expect(config.sites[0]!.bindings).toEqual([
      { protocol: 'http', bindingInformation: '*:80:', sslFlags: null },
      { protocol: 'https', bindingInformation: '*:443:', sslFlags: 0 },
    ]);
    expect(config.sites[1]!.bindings).toEqual([{ protocol: 'https', bindingInformation: '*:8443:secure.contoso.com', sslFlags: 1 }]);
  });

  it('gives each application its pool and physical path, inheriting applicationDefaults', () => {
    const root = app(config, 'Default Web Site/');
    expect(root).toMatchObject({ site: 'Default Web Site', application: '/', applicationPool: 'DefaultAppPool', physicalPath: '%SystemDrive%\\inetpub\\wwwroot' });
    expect(app(config, 'Default Web Site/api')).toMatchObject({ application: '/api', applicationPool: 'DefaultAppPool', physicalPath: 'D:\\Apps\\Api' });
    expect(app(config, 'Secure Site/orders')).toMatchObject({ applicationPool: 'OrdersPool', physicalPath: 'D:\\Sites\\Secure\\Orders' });
  });

  it('reads app pool identities, falling back to applicationPoolDefaults (reference 10)', () => {
    expect(config.appPools).toEqual([
      { name: 'DefaultAppPool', identityType: 'ApplicationPoolIdentity', userName: null },
      { name: 'SecurePool', identityType: 'SpecificUser', userName: 'CONTOSO\\svc-secure' },
      { name: 'OrdersPool', identityType: 'NetworkService', userName: null },
    ]);
  });

  it('applies server, then site, then application locations, and says where each value came from', () => {
    const root = app(config, 'Default Web Site/');
    expect(root.sslFlags).toEqual({
      flags: ['Ssl'],
      origin: { location: 'Default Web Site', level: 'site', file: 'applicationHost.config', line: lineOf(APPHOST, '<access sslFlags="Ssl" />') },
    });
    expect(root.anonymous).toEqual({ enabled: true, origin: { location: 'server', level: 'server', file: 'applicationHost.config', line: lineOf(APPHOST, '<anonymousAuthentication enabled="true"') } });
    expect(root.adMapping.enabled).toBe(true);
    expect(root.adMapping.origin?.level).toBe('site');

    const api = app(config, 'Default Web Site/api');
    expect(api.sslFlags.flags).toEqual(['Ssl', 'SslNegotiateCert']);
    expect(api.sslFlags.origin).toMatchObject({ location: 'Default Web Site/api', level: 'application' });
    expect(api.iisMapping).toEqual({
      enabled: true,
      oneToOne: 0,
      manyToOne: 1,
      origin: { location: 'Default Web Site/api', level: 'application', file: 'applicationHost.config', line: lineOf(APPHOST, '<iisClientCertificateMappingAuthentication enabled="true" many') },
    });
    // The site's AD mapping is inherited by the application below it.
    expect(api.adMapping.origin?.location).toBe('Default Web Site');
    expect(requiresClientCert(root)).toBe('ignore');
    expect(requiresClientCert(api)).toBe('accept');
  });

  it('gives a location deeper than an application its own folder entry under that application', () => {
    const folder = app(config, 'Default Web Site/api/reports');
    expect(folder.folderOf).toBe('Default Web Site/api');
    expect(folder.application).toBe('/api/reports');
    expect(folder.applicationPool).toBe('DefaultAppPool');
    // "ssl,sslnegotiatecert,sslrequirecert": case and spacing tolerated.
    expect(folder.sslFlags.flags).toEqual(['Ssl', 'SslNegotiateCert', 'SslRequireCert']);
    expect(requiresClientCert(folder)).toBe('require');
    expect(folder.iisMapping.enabled).toBe(true);
  });

  it('counts one-to-one mappings at site level for every application of the site', () => {
    for (const path of ['Secure Site/', 'Secure Site/orders']) {
      const a = app(config, path);
      expect(a.iisMapping).toMatchObject({ enabled: true, oneToOne: 2, manyToOne: 0 });
      expect(a.iisMapping.origin).toMatchObject({ location: 'Secure Site', level: 'site' });
      expect(a.anonymous).toMatchObject({ enabled: false, origin: { location: 'Secure Site', line: lineOf(APPHOST, '<anonymousAuthentication enabled="false"') } });
      expect(requiresClientCert(a)).toBe('require');
    }
  });

  it('finds the WCF service with transport client certificates in a <location> of applicationHost.config', () => {
    const orders = app(config, 'Secure Site/orders');
    expect(orders.wcfServices).toEqual(['Contoso.Orders.OrderService']);
    expect(orders.wcf).toEqual([
      {
        service: 'Contoso.Orders.OrderService',
        binding: 'wsHttpBinding',
        bindingConfiguration: 'OrdersCertificate',
        mode: 'Transport',
        origin: { location: 'Secure Site/orders', level: 'application', file: 'applicationHost.config', line: lineOf(APPHOST, '<endpoint address="" binding="wsHttpBinding"') },
      },
    ]);
    expect(app(config, 'Secure Site/').wcfServices).toEqual([]);
  });

  it('never keeps mapping passwords or certificates', () => {
    const json = JSON.stringify(config);
    expect(json).not.toMatch(/enc:|MIIBszCC|password/i);
  });

  it('records each client-certificate section as written, in file order', () => {
    const decl = config.declarations ?? [];
    const lines = decl.map((d) => d.origin.line ?? 0);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    const secureMapping = decl.find((d) => d.section === 'iisClientCertificateMappingAuthentication' && d.origin.location === 'Secure Site');
    expect(secureMapping).toMatchObject({ enabled: true, oneToOne: 2, manyToOne: 0, xml: '<iisClientCertificateMappingAuthentication enabled="true" oneToOneCertificateMappingsEnabled="true">' });
  });

  it('gives the same lines for a CRLF file with a UTF-8 BOM', () => {
    const crlf = parseIisConfig(`\uFEFF${APPHOST.replace(/\n/g, '\r\n')}`, 'applicationHost.config');
    expect(crlf).toEqual(config);
  });
});

describe('parseIisConfig: web.config', () => {
  const config = parseIisConfig(WEBCONFIG, 'Billing\\web.config');

  it('describes one application at application level, named after the file', () => {
    expect(config.kind).toBe('web.config');
    expect(config.sites).toHaveLength(1);
    const a = config.sites[0]!.applications[0]!;
    expect(a).toMatchObject({ path: 'Billing\\web.config', site: 'Billing\\web.config', application: '/' });
    expect(a.sslFlags.flags).toEqual(['Ssl', 'SslNegotiateCert', 'SslRequireCert']);
    expect(a.sslFlags.origin).toEqual({ location: 'Billing\\web.config', level: 'application', file: 'Billing\\web.config', line: lineOf(WEBCONFIG, '<access ') });
    expect(a.anonymous).toMatchObject({ enabled: false, origin: { level: 'application' } });
  });

  it('finds transport-certificate services and ignores message security and mex', () => {
    const a = config.sites[0]!.applications[0]!;
    expect(a.wcfServices).toEqual(['Contoso.Billing.InvoiceService']);
    expect(a.wcf?.[0]).toMatchObject({ binding: 'basicHttpBinding', bindingConfiguration: 'CertificateTransport', mode: 'Transport' });
  });

  it('detects customBinding httpsTransport, TransportWithMessageCredential and default endpoints', () => {
    const custom = parseIisConfig(
      `<configuration><system.serviceModel>
        <services>
          <service name="A"><endpoint binding="customBinding" bindingConfiguration="mtls" contract="IA" /></service>
          <service name="B"><endpoint binding="basicHttpBinding" bindingConfiguration="twmc" contract="IB" /></service>
          <service name="C"><endpoint binding="customBinding" bindingConfiguration="plain" contract="IC" /></service>
        </services>
        <bindings>
          <customBinding>
            <binding name="mtls"><textMessageEncoding /><httpsTransport requireClientCertificate="true" /></binding>
            <binding name="plain"><textMessageEncoding /><httpsTransport /></binding>
          </customBinding>
          <basicHttpBinding>
            <binding name="twmc"><security mode="TransportWithMessageCredential"><transport clientCredentialType="Certificate" /></security></binding>
          </basicHttpBinding>
        </bindings>
      </system.serviceModel></configuration>`,
      'web.config',
    );
    const a = custom.sites[0]!.applications[0]!;
    expect(a.wcfServices).toEqual(['A', 'B']);
    expect(a.wcf?.map((w) => w.mode)).toEqual(['httpsTransport requireClientCertificate', 'TransportWithMessageCredential']);

    const defaults = parseIisConfig(
      `<configuration><system.serviceModel><bindings><basicHttpBinding>
        <binding><security mode="Transport"><transport clientCredentialType="certificate" /></security></binding>
      </basicHttpBinding></bindings></system.serviceModel></configuration>`,
      'web.config',
    );
    expect(defaults.sites[0]!.applications[0]!.wcfServices).toEqual(['(default endpoints)']);
  });

  it('leaves anonymous authentication at its default when the file does not say', () => {
    const plain = parseIisConfig('<configuration><system.webServer><security><access sslFlags="Ssl" /></security></system.webServer></configuration>', 'web.config');
    expect(plain.sites[0]!.applications[0]!.anonymous).toEqual({ enabled: true, origin: null });
  });
});

describe('parseIisConfig: collections, inheritance and bad input', () => {
  it('applies <clear/> and <remove> to inherited mappings', () => {
    const config = parseIisConfig(
      appHost(`
  <location path="S"><system.webServer><security><authentication>
    <iisClientCertificateMappingAuthentication enabled="true">
      <oneToOneMappings><add userName="a" certificate="AAAA" /><add userName="b" certificate="BBBB" /></oneToOneMappings>
      <manyToOneMappings><add name="Partners" /><add name="Staff" /></manyToOneMappings>
    </iisClientCertificateMappingAuthentication>
  </authentication></security></system.webServer></location>
  <location path="S/app"><system.webServer><security><authentication>
    <iisClientCertificateMappingAuthentication>
      <oneToOneMappings><clear /><add userName="c" certificate="CCCC" /></oneToOneMappings>
      <manyToOneMappings><remove name="partners" /></manyToOneMappings>
    </iisClientCertificateMappingAuthentication>
  </authentication></security></system.webServer></location>`),
      'applicationHost.config',
    );
    expect(app(config, 'S/').iisMapping).toMatchObject({ enabled: true, oneToOne: 2, manyToOne: 2 });
    // enabled is still the site's (the application's element does not set it).
    expect(app(config, 'S/app').iisMapping).toMatchObject({ enabled: true, oneToOne: 1, manyToOne: 1, origin: { location: 'S' } });
  });

  it('counts no mappings of a kind that is switched off', () => {
    const config = parseIisConfig(
      appHost(`<location path="S"><system.webServer><security><authentication>
        <iisClientCertificateMappingAuthentication enabled="true" oneToOneCertificateMappingsEnabled="false">
          <oneToOneMappings><add userName="a" certificate="AAAA" /></oneToOneMappings>
        </iisClientCertificateMappingAuthentication></authentication></security></system.webServer></location>`),
      'applicationHost.config',
    );
    expect(app(config, 'S/').iisMapping.oneToOne).toBe(0);
  });

  it('stops a location with inheritInChildApplications="false" at its own application', () => {
    const config = parseIisConfig(
      appHost(`<location path="S" inheritInChildApplications="false"><system.webServer><security><access sslFlags="Ssl, SslRequireCert" /></security></system.webServer></location>
  <location path="S/sub"><system.webServer><security><access sslFlags="Ssl" /></security></system.webServer></location>`),
      'applicationHost.config',
    );
    expect(app(config, 'S/').sslFlags.flags).toEqual(['Ssl', 'SslRequireCert']);
    expect(app(config, 'S/app').sslFlags).toEqual({ flags: [], origin: null });
    // A folder of the root application still inherits, then applies its own value.
    expect(app(config, 'S/sub')).toMatchObject({ folderOf: 'S/', sslFlags: { flags: ['Ssl'] } });
  });

  it('notes a location that names no site of the file instead of guessing', () => {
    const config = parseIisConfig(appHost('<location path="Other Site/x"><system.webServer /></location>'), 'applicationHost.config');
    expect(config.notes).toEqual([expect.stringContaining('<location path="Other Site/x">')]);
  });

  it('parses sslFlags names, spacing, case and numbers', () => {
    expect(parseAccessSslFlags('None')).toEqual([]);
    expect(parseAccessSslFlags('Ssl, SslNegotiateCert, SslRequireCert, Ssl128')).toEqual(['Ssl', 'SslNegotiateCert', 'SslRequireCert', 'Ssl128']);
    expect(parseAccessSslFlags(' ssl ,sslrequirecert')).toEqual(['Ssl', 'SslRequireCert']);
    expect(parseAccessSslFlags('104')).toEqual(['Ssl', 'SslNegotiateCert', 'SslRequireCert']);
  });

  it('refuses malformed XML in one line naming the file and the line', () => {
    const bad = '<configuration>\n  <location path="S">\n    <system.webServer>\n  </location>\n</configuration>';
    let error: unknown;
    try {
      parseIisConfig(bad, 'applicationHost.config');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CertbenchError);
    expect((error as CertbenchError).code).toBe('bad-input');
    expect((error as CertbenchError).message).toMatch(/^applicationHost\.config: not well-formed XML at line 4: /);
    expect((error as CertbenchError).message).not.toContain('\n');
  });

  it('answers damaged files with a configuration or a one-line CertbenchError, never anything else (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: APPHOST.length }), fc.integer({ min: 0, max: 300 }), fc.string({ maxLength: 8 }), (at, cut, insert) => {
        const text = APPHOST.slice(0, at) + insert + APPHOST.slice(at + cut);
        try {
          const config = parseIisConfig(text, 'applicationHost.config');
          expect(IisConfigSchema.parse(config)).toEqual(config);
          expect(JSON.stringify(config)).not.toMatch(/enc:/);
        } catch (err) {
          expect(err).toBeInstanceOf(CertbenchError);
          expect((err as CertbenchError).message).toMatch(/^applicationHost\.config: /);
          expect((err as CertbenchError).message).not.toContain('\n');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses XML that is not an IIS configuration, and files over 20 MB', () => {
    expect(() => parseIisConfig('<html><body /></html>', 'page.xml')).toThrow(/page\.xml: not an IIS configuration file/);
    const huge = `<configuration>${' '.repeat(IIS_CONFIG_LIMIT)}</configuration>`;
    expect(() => parseIisConfig(huge, 'big.config')).toThrow(expect.objectContaining({ code: 'too-large', message: expect.stringMatching(/^big\.config: .*20 MB/) }));
  });
});

describe('iisFindings', () => {
  const config = parseIisConfig(APPHOST, 'applicationHost.config');
  const web = parseIisConfig(WEBCONFIG, 'Billing\\web.config');
  const findings = iisFindings([config, web]);

  it('flags the many-to-one mapping defined at application level, quoting the line', () => {
    const f = findings.filter((x) => x.id === 'iis.mapping-at-application-level');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('error');
    expect(f[0]!.params).toMatchObject({ location: 'Default Web Site/api', site: 'Default Web Site', application: '/api' });
    expect(f[0]!.evidence[0]!.text).toBe(
      `applicationHost.config line ${lineOf(APPHOST, '<iisClientCertificateMappingAuthentication enabled="true" many')}, <location path="Default Web Site/api">: <iisClientCertificateMappingAuthentication enabled="true" manyToOneCertificateMappingsEnabled="true">`,
    );
    expect(f[0]!.detail).toContain('<location path="Default Web Site">');
    expect(JSON.stringify(f)).not.toMatch(/enc:|cGFydG5lci1wYXNzd29yZA/);
  });

  it('does not flag the site-level one-to-one mappings of Secure Site', () => {
    expect(findings.some((x) => x.params?.site === 'Secure Site' && x.id === 'iis.mapping-at-application-level')).toBe(false);
  });

  it('flags mapping without SslNegotiateCert/SslRequireCert, as a warning when a sibling asks for certificates', () => {
    const f = findings.filter((x) => x.id === 'iis.ssl-flags-not-requiring-cert');
    expect(f.map((x) => x.params?.location)).toEqual(['Default Web Site']);
    expect(f[0]!.severity).toBe('warning');
    expect(f[0]!.evidence.map((e) => e.text)).toEqual([
      `applicationHost.config line ${lineOf(APPHOST, '<access sslFlags="Ssl" />')}, <location path="Default Web Site">: <access sslFlags="Ssl" />`,
      `applicationHost.config line ${lineOf(APPHOST, '<clientCertificateMappingAuthentication enabled="true" />')}, <location path="Default Web Site">: <clientCertificateMappingAuthentication enabled="true" />`,
    ]);
  });

  it('is an error when no application of the site asks for a certificate', () => {
    const lone = parseIisConfig(
      appHost('<location path="S"><system.webServer><security><access sslFlags="Ssl" /><authentication><iisClientCertificateMappingAuthentication enabled="true" /></authentication></security></system.webServer></location>'),
      'applicationHost.config',
    );
    const f = iisFindings([lone]).filter((x) => x.id === 'iis.ssl-flags-not-requiring-cert');
    expect(f.map((x) => [x.params?.location, x.severity])).toEqual([
      ['S', 'error'],
      ['S/app', 'error'],
    ]);
  });

  it('asks for anonymous authentication where a WCF transport-certificate service has it off', () => {
    const f = findings.filter((x) => x.id === 'iis.anonymous-needed-for-wcf');
    expect(f.map((x) => x.params)).toEqual([
      { location: 'Secure Site/orders', site: 'Secure Site', application: '/orders', file: 'applicationHost.config', serverSoftware: 'iis' },
      { file: 'Billing\\web.config' },
    ]);
    expect(f[1]!.evidence.map((e) => e.text)).toEqual([
      `Billing\\web.config line ${lineOf(WEBCONFIG, '<endpoint address="" binding="basicHttpBinding"')}: service Contoso.Billing.InvoiceService uses basicHttpBinding "CertificateTransport" with Transport and client certificates`,
      `Billing\\web.config line ${lineOf(WEBCONFIG, '<anonymousAuthentication')}, this web.config: <anonymousAuthentication enabled="false" />`,
    ]);
  });

  it('warns when mapping is only switched on at application level, and errs when mappings are defined there', () => {
    const enabledOnly = parseIisConfig(
      appHost('<location path="S/app"><system.webServer><security><access sslFlags="Ssl, SslNegotiateCert" /><authentication><clientCertificateMappingAuthentication enabled="true" /></authentication></security></system.webServer></location>'),
      'applicationHost.config',
    );
    const f = iisFindings([enabledOnly]).filter((x) => x.id === 'iis.mapping-at-application-level');
    expect(f.map((x) => [x.severity, x.params?.location])).toEqual([['warning', 'S/app']]);
    const web2 = parseIisConfig(
      '<configuration><system.webServer><security><authentication><iisClientCertificateMappingAuthentication enabled="true"><oneToOneMappings><add userName="u" password="secret-pw" certificate="Q0VSVA==" /></oneToOneMappings></iisClientCertificateMappingAuthentication></authentication></security></system.webServer></configuration>',
      'web.config',
    );
    const g = iisFindings([web2]).find((x) => x.id === 'iis.mapping-at-application-level');
    expect(g?.severity).toBe('error');
    expect(g?.evidence.map((e) => e.text)).toContain('1 one-to-one mapping defined here (passwords and certificates not shown)');
    expect(JSON.stringify(g)).not.toMatch(/secret-pw|Q0VSVA/);
  });

  it('raises nothing for a site that requires certificates with site-level mappings and anonymous on', () => {
    const good = parseIisConfig(
      appHost(`<location path="S"><system.webServer><security><access sslFlags="Ssl, SslNegotiateCert, SslRequireCert" /><authentication>
        <iisClientCertificateMappingAuthentication enabled="true"><manyToOneMappings><add name="Staff" /></manyToOneMappings></iisClientCertificateMappingAuthentication>
      </authentication></security></system.webServer></location>`),
      'applicationHost.config',
    );
    expect(iisFindings([good])).toEqual([]);
  });
});
