import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../shared/bundle/redact';

/**
 * Redaction a user chooses before export replaces host names, account names, IPs and
 * certificate subjects with stable pseudonyms, consistently across every file of the bundle. These
 * tests read the output as the second-line engineer (and anyone they forward it to) would.
 */

const CERT_PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUb2xkLWNsaWVudC1zZXJpYWwwCgYIKoZIzj0EAwIwKTEnMCUGA1UEAwwe\n-----END CERTIFICATE-----\n';

/** A report, a store listing and command outputs as an export collects them, naming the same things. */
function bundleDocs() {
  const report = {
    host: 'WEB01',
    request: { url: 'https://www.contoso.com/secure/', identity: 'IIS AppPool\\Shop', certificate: '/home/alice/certs/client.pfx', attachments: [] },
    summary: 'The server www.contoso.com asks for a certificate only after the request; alice cannot read the key.',
    probes: [
      {
        target: { host: 'www.contoso.com', port: 443, path: '/secure/', servername: 'www.contoso.com' },
        serverCertificates: [{ subject: { rfc4514: 'CN=www.contoso.com,O=Contoso\\, Ltd,C=US', commonName: 'www.contoso.com', attributes: [{ oid: '2.5.4.3', type: 'CN', value: 'www.contoso.com' }, { oid: '2.5.4.10', type: 'O', value: 'Contoso, Ltd' }, { oid: '2.5.4.6', type: 'C', value: 'US' }] }, subjectAltNames: [{ type: 'dns', value: 'www.contoso.com' }, { type: 'ip', value: '192.0.2.10' }], thumbprintSha1: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678', derBase64: 'MIIBszCCAVmgAwIBAgIU' }],
        clientAuth: { certificateRequest: { caNames: ['CN=Contoso Issuing CA,O=Contoso\\, Ltd,C=US'] } },
        timeline: [{ ms: 1.5, from: 'client', encrypted: false, message: 'ClientHello (SNI www.contoso.com)' }],
      },
    ],
    key: {
      location: { path: '/home/alice/certs/client.key' },
      acl: { path: '/home/alice/certs/client.key', owner: 'alice', group: 'ssl-cert', mode: '0640', raw: '# owner: alice\n# group: ssl-cert\nuser::rw-\nuser:www-data:r--\n', platform: 'posix', entries: [{ principal: { name: 'user:www-data', sid: null, kind: 'user' }, rawRights: 'r--' }, { principal: { name: 'NT AUTHORITY\\SYSTEM', sid: 'S-1-5-18', kind: 'well-known' }, rawRights: '(F)' }] },
      access: { identity: 'IIS AppPool\\Shop', answer: { identity: 'IIS AppPool\\Shop', canRead: false, decidedBy: 'no entry allows IIS AppPool\\Shop', considered: [] } },
    },
    findings: [{ id: 'key.identity-cannot-read', detail: 'IIS AppPool\\Shop cannot read /home/alice/certs/client.key (client 192.0.2.77 tried from 2001:db8:0:0:0:0:0:77).', evidence: [{ kind: 'certificate', text: 'CN=alice,OU=Helpdesk,O=Contoso\\, Ltd,C=US (0123456789ABCDEF0123456789ABCDEF01234567)' }], params: { host: 'www.contoso.com', identity: 'IIS AppPool\\Shop', certificatePem: CERT_PEM } }],
    fixes: [{ script: `# grant read to 'IIS AppPool\\Shop' on '/home/alice/certs/client.key'\n${CERT_PEM}`, undo: 'setfacl -x u:www-data /home/alice/certs/client.key' }],
    server: { bindings: [{ key: 'www.contoso.com:443', kind: 'hostnameport' }, { key: '0.0.0.0:443', kind: 'ipport' }], iis: [{ appPools: [{ name: 'Shop', identityType: 'ApplicationPoolIdentity', userName: null }] }] },
  };
  const listing = {
    stores: [{ id: 'folder:/home/alice/certs', location: '/home/alice/certs' }],
    certificates: [
      { storeId: 'folder:/home/alice/certs', file: '/home/alice/certs/client.pem', summary: { subject: { rfc4514: 'CN=alice,OU=Helpdesk,O=Contoso\\, Ltd,C=US', windows: 'CN=alice, OU=Helpdesk, O="Contoso, Ltd", C=US', commonName: 'alice', attributes: [{ oid: '2.5.4.3', type: 'CN', value: 'alice' }, { oid: '2.5.4.11', type: 'OU', value: 'Helpdesk' }] }, subjectAltNames: [{ type: 'email', value: 'alice@contoso.com' }, { type: 'ip', value: '10.1.2.3' }], derBase64: 'MIIBszCCAVmgAwIBAgIU' } },
    ],
  };
  const commands = [
    'certutil -store My\nSubject: CN=alice, OU=Helpdesk, O="Contoso, Ltd", C=US\nIssuer: CN=Contoso Issuing CA, O="Contoso, Ltd", C=US\n',
    '# file: home/alice/certs/client.key\n# owner: alice\n# group: ssl-cert\nuser::rw-\nuser:www-data:r--\n',
    'curl -v https://www.contoso.com/secure/ from 192.0.2.77 via [2001:db8::77]:8443',
  ];
  return { report, listing, commands };
}

function redactAll(kinds: Parameters<typeof createRedactor>[0], seed?: string) {
  const d = bundleDocs();
  const r = createRedactor(kinds, seed);
  r.learn(d.report);
  r.learn(d.listing);
  for (const c of d.commands) r.learnText(c);
  return { r, report: r.json(d.report), listing: r.json(d.listing), commands: d.commands.map((c) => r.text(c)) };
}

describe('bundle redaction', () => {
  it('gives each host, account, address and name one pseudonym, the same in every file', () => {
    const { report, listing, commands } = redactAll(['hosts', 'accounts', 'ips', 'subjects']);
    const host = report.probes[0]!.target.host;
    expect(host).toMatch(/^host-\d+\.example$/);
    expect(report.probes[0]!.target.servername).toBe(host);
    expect(report.request.url).toBe(`https://${host}/secure/`);
    expect(report.findings[0]!.params.host).toBe(host);
    expect(report.server.bindings[0]!.key).toBe(`${host}:443`);
    expect(commands[2]).toContain(`https://${host}/secure/`);
    expect(report.probes[0]!.timeline[0]!.message).toBe(`ClientHello (SNI ${host})`);

    // The account: the same user-N in the key path, the ACL, the listing's folder and getfacl's text.
    const owner = report.key.acl.owner;
    expect(owner).toMatch(/^user-\d+$/);
    expect(report.key.location.path).toBe(`/home/${owner}/certs/client.key`);
    expect(listing.stores[0]!.location).toBe(`/home/${owner}/certs`);
    expect(commands[1]).toContain(`# owner: ${owner}`);
    const pool = report.key.access.identity;
    expect(pool).toMatch(/^IIS AppPool\\pool-\d+$/);
    expect(report.findings[0]!.detail.startsWith(`${pool} cannot read`)).toBe(true);
    expect(report.server.iis[0]!.appPools[0]!.name).toBe(pool.split('\\')[1]);
    expect(report.key.acl.entries[0]!.principal.name).toMatch(/^user:user-\d+$/);
    expect(commands[1]).toContain(`${report.key.acl.entries[0]!.principal.name}:r--`);

    // The subject: one pseudonym in the listing's structured DN, its Windows form, the evidence and
    // certutil's output; CN=alice is the account alice, so it reads as the same user-N.
    const cn = listing.certificates[0]!.summary.subject.commonName;
    expect(cn).toBe(owner);
    const org = listing.certificates[0]!.summary.subject.rfc4514.match(/O=([^,]+)/)![1]!;
    expect(org).toMatch(/^Organization \d+$/);
    expect(listing.certificates[0]!.summary.subject.windows).toBe(`CN=${cn}, OU=${listing.certificates[0]!.summary.subject.attributes[1]!.value}, O=${org}, C=US`);
    expect(report.findings[0]!.evidence[0]!.text).toMatch(new RegExp(`^CN=${cn},OU=Unit \\d+,O=${org},C=US \\(0123456789ABCDEF0123456789ABCDEF01234567\\)$`));
    expect(commands[0]).toContain(`Subject: CN=${cn}, OU=`);
    expect(commands[0]).toContain(`O=${org}, C=US`);
    // A CN that is a host name reads as the host everywhere.
    expect(report.probes[0]!.serverCertificates[0]!.subject.commonName).toBe(host);
    expect(report.probes[0]!.serverCertificates[0]!.subject.rfc4514).toBe(`CN=${host},O=${org},C=US`);
    expect(report.probes[0]!.clientAuth.certificateRequest.caNames[0]).toMatch(new RegExp(`^CN=Subject \\d+,O=${org},C=US$`));

    // Addresses: the same pseudonym for 192.0.2.77 in prose and in a command, one for both spellings of the IPv6 address.
    const ip = /client (\S+) tried/.exec(report.findings[0]!.detail)![1]!;
    expect(ip).toMatch(/^10\.255\.\d+\.\d+$/);
    expect(commands[2]).toContain(`from ${ip} via`);
    const v6 = /from (\S+)\)\.$/.exec(report.findings[0]!.detail)![1]!;
    expect(v6).toMatch(/^fd00::[0-9a-f]+$/);
    expect(commands[2]).toContain(`[${v6}]:8443`);
  });

  it('keeps what identifies nothing: loopback and any-address bindings, built-in principals, OIDs, thumbprints, countries', () => {
    const { report } = redactAll(['hosts', 'accounts', 'ips', 'subjects']);
    expect(report.server.bindings[1]!.key).toBe('0.0.0.0:443');
    expect(report.key.acl.entries[1]!.principal).toEqual({ name: 'NT AUTHORITY\\SYSTEM', sid: 'S-1-5-18', kind: 'well-known' });
    expect(report.probes[0]!.serverCertificates[0]!.subject.attributes[0]!.oid).toBe('2.5.4.3');
    expect(report.probes[0]!.serverCertificates[0]!.thumbprintSha1).toBe('A1B2C3D4E5F60718293A4B5C6D7E8F9012345678');
    expect(report.probes[0]!.serverCertificates[0]!.subject.attributes[2]).toEqual({ oid: '2.5.4.6', type: 'C', value: 'US' });
    const r = createRedactor(['ips']);
    expect(r.text('listening on 127.0.0.1:8443 and [::1]:8443, bound to 0.0.0.0:443; OIDs 2.5.4.3 and 2.5.29.17')).toBe('listening on 127.0.0.1:8443 and [::1]:8443, bound to 0.0.0.0:443; OIDs 2.5.4.3 and 2.5.29.17');
  });

  it('replaces a CA name in a revocation address however the path spells it, and certificate file names, with subjects', () => {
    const r = createRedactor(['subjects']);
    const link = {
      sources: ['Dana Smith.pfx', '/etc/ssl/certs/ca-certificates.crt'],
      issuer: 'CN=Contoso Issuing CA,O=Contoso',
      revocation: { text: 'revoked on 2026-11-30 14:02 UTC per CRL http://127.0.0.1:80/CertEnroll/Contoso%20Issuing%20CA.crl', addresses: { caIssuers: ['http://127.0.0.1/contoso-issuing-ca.crt'] } },
      checks: [{ text: 'trusted (Dana Smith.pfx)' }],
    };
    r.learn(link);
    const out = r.json(link);
    const ca = /^CN=(Subject \d+),O=/.exec(out.issuer)![1]!;
    expect(out.revocation.text).toBe(`revoked on 2026-11-30 14:02 UTC per CRL http://127.0.0.1:80/CertEnroll/${ca.replace(' ', '%20')}.crl`);
    expect(out.revocation.addresses.caIssuers[0]).toBe(`http://127.0.0.1/${ca.replace(' ', '-')}.crt`);
    expect(out.sources[0]).toMatch(/^file-\d+\.pfx$/);
    expect(out.sources[1]).toBe('/etc/ssl/certs/ca-certificates.crt');
    expect(out.checks[0]!.text).toBe(`trusted (${out.sources[0]})`);
    expect(r.counts()['certificate file names']).toBe(1);

    // A real CRL host (learned from the URL) and the CA's name in its path, as AD CS publishes them.
    const both = createRedactor(['hosts', 'subjects']);
    const source = { url: 'http://pki.contoso.test/CertEnroll/Contoso%20Issuing%20CA.crl', detail: 'issued by "Contoso Issuing CA"', issuer: 'CN=Contoso Issuing CA' };
    both.learn(source);
    const red = both.json(source);
    const name = red.issuer.slice(3);
    expect(red.url).toMatch(new RegExp(`^http://host-\\d+\\.example/CertEnroll/${name.replace(' ', '%20')}\\.crl$`));
    expect(red.detail).toBe(`issued by "${name}"`);
  });

  it('redacts only the kinds chosen', () => {
    const hostsOnly = redactAll(['hosts']);
    expect(hostsOnly.report.probes[0]!.target.host).toMatch(/^host-\d+\.example$/);
    expect(hostsOnly.report.findings[0]!.detail).toContain('192.0.2.77');
    expect(hostsOnly.report.key.acl.owner).toBe('alice');
    const ipsOnly = redactAll(['ips']);
    expect(ipsOnly.report.probes[0]!.target.host).toBe('www.contoso.com');
    expect(ipsOnly.report.findings[0]!.detail).not.toContain('192.0.2.77');
    expect(ipsOnly.listing.certificates[0]!.summary.subject.commonName).toBe('alice');
    const subjectsOnly = redactAll(['subjects']);
    expect(subjectsOnly.listing.certificates[0]!.summary.subject.commonName).toMatch(/^Subject \d+$/);
    // A subject's value is hidden wherever it is written, even where it names an account.
    expect(subjectsOnly.report.key.acl.owner).toBe(subjectsOnly.listing.certificates[0]!.summary.subject.commonName);
    expect(subjectsOnly.commands.join('\n')).not.toMatch(/alice/i);
    expect(subjectsOnly.report.key.acl.group).toBe('ssl-cert'); // accounts were not chosen
    const none = redactAll([]);
    expect(none.report).toEqual(bundleDocs().report);
    expect(none.r.none).toBe(true);
  });

  it('leaves certificates out when hosts or subjects are redacted, and keeps them byte for byte otherwise', () => {
    const dropped = redactAll(['subjects']);
    expect(dropped.r.dropsCertificates).toBe(true);
    expect(dropped.listing.certificates[0]!.summary.derBase64).toBe('');
    expect(dropped.report.findings[0]!.params.certificatePem).toBe('');
    expect(dropped.report.fixes[0]!.script).toContain('[certificate left out of this redacted bundle]');
    expect(dropped.report.fixes[0]!.script).not.toContain('BEGIN CERTIFICATE');
    const kept = redactAll(['accounts', 'ips']);
    expect(kept.r.dropsCertificates).toBe(false);
    expect(kept.listing.certificates[0]!.summary.derBase64).toBe('MIIBszCCAVmgAwIBAgIU');
    expect(kept.report.findings[0]!.params.certificatePem).toBe(CERT_PEM);
    expect(kept.report.fixes[0]!.script).toContain(CERT_PEM);
  });

  it('with a seed, gives a value the same pseudonym in every bundle whatever else is in it', () => {
    const a = createRedactor(['hosts'], 'site-secret');
    a.learn({ target: { host: 'www.contoso.com' }, other: { host: 'db.contoso.com' } });
    const b = createRedactor(['hosts'], 'site-secret');
    b.learn({ target: { host: 'db.contoso.com' }, again: { host: 'www.contoso.com' } });
    expect(a.text('www.contoso.com')).toBe(b.text('www.contoso.com'));
    expect(a.text('db.contoso.com')).toBe(b.text('db.contoso.com'));
    expect(a.text('www.contoso.com')).not.toBe(a.text('db.contoso.com'));
    const c = createRedactor(['hosts'], 'another-site');
    c.learn({ host: 'www.contoso.com' });
    c.learn({ host: 'db.contoso.com' });
    expect([c.text('www.contoso.com'), c.text('db.contoso.com')]).not.toEqual([a.text('www.contoso.com'), a.text('db.contoso.com')]);
  });

  it('counts what it replaced, for the manifest', () => {
    const { r } = redactAll(['hosts', 'accounts', 'ips', 'subjects']);
    const counts = r.counts();
    expect(counts['IPv4 addresses']).toBe(3); // 192.0.2.10, 192.0.2.77, 10.1.2.3
    expect(counts['app pool names']).toBe(1);
    expect(counts['host names']).toBeGreaterThanOrEqual(2); // WEB01, www.contoso.com (and contoso.com from the e-mail)
  });
});

// --- property: nothing of the originals survives ------------------------------------------------

const letters = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxy'), minLength: min, maxLength: max });
/** Labels start with "z", which no pseudonym and none of the fixed text below contains. */
const label = letters(3, 8).map((s) => `z${s}`);
const hostArb = fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom('corp', 'lan', 'internal', 'net')).map(([ls, tld]) => [...ls, tld].join('.'));
const ipv4Arb = fc.tuple(fc.integer({ min: 11, max: 223 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })).filter(([a]) => a !== 127).map((o) => o.join('.'));
const ipv6Arb = fc.array(fc.integer({ min: 0x1000, max: 0xffff }), { minLength: 8, maxLength: 8 }).map((g) => `2001:${g.slice(1).map((x) => x.toString(16)).join(':')}`);
const userArb = letters(3, 8).map((s) => `q${s}`);
const domainArb = letters(3, 6).map((s) => `X${s.toUpperCase()}`);

describe('bundle redaction: property', () => {
  it('no original host, IP address or account survives anywhere in the redacted files', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(hostArb, { minLength: 1, maxLength: 4 }),
        fc.uniqueArray(ipv4Arb, { minLength: 1, maxLength: 4 }),
        ipv6Arb,
        fc.uniqueArray(userArb, { minLength: 2, maxLength: 4 }),
        domainArb,
        fc.nat(3),
        (hosts, v4s, v6, users, domain, pick) => {
          const [h0, ...otherHosts] = hosts;
          const [u0, u1] = users;
          const report = {
            host: h0!.split('.')[0],
            probes: [{ target: { host: h0, port: 443, path: '/', servername: h0 }, timeline: [{ message: `ClientHello (SNI ${h0})` }] }],
            request: { url: `https://${h0}:8443/app/`, identity: `${domain}\\${u0}` },
            key: { acl: { owner: u1, group: null, raw: `O:S-1-5-21-1004336348-1177238915-682003330-1001 user:${u1}:rw-`, entries: [{ principal: { name: `${domain}\\${u0}`, sid: null, kind: 'user' } }] } },
            findings: [{ detail: `${domain}\\${u0} cannot read C:\\Users\\${u1}\\key.pem; seen from ${v4s.join(', ')} and ${v6}`, evidence: otherHosts.map((h) => ({ kind: 'url', text: `see https://${h}/x` })) }],
            server: { iis: [{ sites: [{ bindings: [{ bindingInformation: `${v4s[pick % v4s.length]}:443:${h0}` }] }] }] },
          };
          const listing = { certificates: [{ summary: { subjectAltNames: hosts.map((h) => ({ type: 'dns', value: h })).concat(v4s.map((ip) => ({ type: 'ip', value: ip }))) }, file: `/home/${u1}/certs/a.pem` }] };
          const stdout = `icacls key.pem ${domain}\\${u0}:(R)\nping ${v4s[0]} ${v6.toUpperCase()} ${h0!.toUpperCase()}\n`;
          const r = createRedactor(['hosts', 'accounts', 'ips']);
          r.learn(report);
          r.learn(listing);
          r.learnText(stdout);
          const out = `${JSON.stringify(r.json(report))}\n${JSON.stringify(r.json(listing))}\n${r.text(stdout)}`.toLowerCase();
          for (const h of hosts) expect(out).not.toContain(h.toLowerCase());
          expect(out).not.toContain(h0!.split('.')[0]);
          for (const ip of v4s) expect(out).not.toMatch(new RegExp(`(?<![\\d.])${ip.replace(/\./g, '\\.')}(?![\\d])`));
          expect(out).not.toContain(v6.toLowerCase());
          for (const u of users.slice(0, 2)) expect(out).not.toContain(u);
          expect(out).not.toContain(domain.toLowerCase());
          expect(out).not.toContain('1004336348');
        },
      ),
      { numRuns: 150 },
    );
  });
});
