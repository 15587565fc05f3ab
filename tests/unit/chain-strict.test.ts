import { describe, expect, it } from 'vitest';
import { analyzeServerChain } from '../../shared/chain/analyze';
import { buildChain, type ChainOptions } from '../../shared/chain/build';
import { MAX_NAMES } from '../../shared/chain/name-constraints';
import { CertPool } from '../../shared/chain/pool';
import { summarizeCertificate } from '../../shared/cert/summarize';
import type { ChainReport } from '../../shared/model/chain';
import { clientAuthVerdict } from '../../shared/verdict/client-auth';
import { DAY, OID, build, ca, cn, ext, leaf, name, newKey, type Built } from '../helpers/x509-build';

/**
 * Path validation per RFC 5280 section 6 and Windows' rules, one category per block, each
 * rule with a valid and an invalid twin built in-process. Every "invalid" twin here was judged valid
 * (or "can authenticate a client") by the earlier, looser checks.
 */

const at = new Date();
const P1 = '1.3.6.1.4.1.99999.1.1';
const P2 = '1.3.6.1.4.1.99999.1.2';
const P3 = '1.3.6.1.4.1.99999.1.3';

async function judge(target: Built, others: Built[], trusted: Built[], opts: Partial<ChainOptions> = {}): Promise<ChainReport> {
  const pool = new CertPool();
  for (const o of others) pool.add(o.der, 'files');
  for (const t of trusted) pool.add(t.der, 'Root store', true);
  return buildChain(pool, pool.add(target.der, 'target'), { at, purpose: 'client-auth', ...opts });
}

const checksOf = (r: ChainReport, name: string) => r.best.links.flatMap((l) => l.checks.filter((c) => c.name === name));
const failing = (r: ChainReport) => r.best.links.flatMap((l) => l.checks.filter((c) => c.status === 'fail').map((c) => c.text)).join('\n');

async function verdict(target: Built, chain: ChainReport) {
  const summary = await summarizeCertificate('t', target.der, at);
  return clientAuthVerdict(summary, chain, { status: 'present', detail: 'key present' }, at);
}

describe('issuer name chaining (RFC 5280 6.1.4, 7.1)', () => {
  const root = ca(name([[OID.O, { printable: 'Contoso' }], [OID.CN, { printable: 'Contoso  Root CA' }]]));

  it('links names that are equal after RFC 4518 preparation (case, spaces, string type)', async () => {
    const l = leaf('alice', root, { issuerName: name([[OID.O, 'contoso'], [OID.CN, ' CONTOSO root   ca ']]) });
    const r = await judge(l, [], [root]);
    expect(r.best.status).toBe('valid');
    expect(r.best.links.map((x) => x.role)).toEqual(['leaf', 'root']);
  });

  it('does not link by key identifier alone when the names differ', async () => {
    // The looser pool offered every certificate whose SKI equalled the AKI: this leaf
    // (issuer "Contoso Issuing CA", signed by the Fabrikam CA's key) chained to Fabrikam and was valid.
    const fabrikam = ca('Fabrikam Issuing CA', root);
    const l = leaf('alice', fabrikam, { issuerName: cn('Contoso Issuing CA') });
    const r = await judge(l, [fabrikam], [root]);
    expect(r.best.status).toBe('incomplete');
    expect(r.best.missing?.issuer).toBe('CN=Contoso Issuing CA');
    expect(r.best.problems[0]).toContain('"Fabrikam Issuing CA" has the key identifier it names, but its name "CN=Fabrikam Issuing CA" differs from the issuer name');
    expect((await verdict(l, r)).usable).toBe(false);
  });

  it('a different attribute type is a different name', async () => {
    const ouRoot = ca(name([[OID.OU, 'Contoso'], [OID.CN, 'R']]));
    const l = leaf('bob', ouRoot, { issuerName: name([[OID.O, 'Contoso'], [OID.CN, 'R']]) });
    expect((await judge(l, [], [ouRoot])).best.status).toBe('incomplete');
  });
});

describe('critical extensions (RFC 5280 4.2)', () => {
  const root = ca('Ext Root');

  it("Microsoft's critical Application Policies (1.3.6.1.4.1.311.21.10) makes the certificate invalid, named by OID", async () => {
    const appPolicies = ext.raw('1.3.6.1.4.1.311.21.10', new Uint8Array([0x30, 0x0c, 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02]), true);
    const bad = leaf('app-policies', root, { extensions: [appPolicies] });
    const good = leaf('app-policies-noncritical', root, { extensions: [{ ...appPolicies, critical: false }] });
    const r = await judge(bad, [], [root]);
    expect(r.best.status).toBe('invalid');
    expect(failing(r)).toContain('critical extension Certbench does not process, Application Policies (1.3.6.1.4.1.311.21.10)');
    expect((await verdict(bad, r)).findings.map((f) => f.id)).toContain('chain.invalid');
    expect((await judge(good, [], [root])).best.status).toBe('valid');
  });

  it('an unknown critical extension on an intermediate breaks the chain', async () => {
    const inter = ca('Odd CA', root, { extensions: [ext.raw('1.2.3.4.5', Uint8Array.of(5, 0), true)] });
    const r = await judge(leaf('x', inter), [inter], [root]);
    expect(r.best.status).toBe('invalid');
    expect(failing(r)).toContain('1.2.3.4.5');
  });

  it('a critical Certificate Policies with a qualifier Certbench cannot interpret is rejected; CPS pointers are fine', async () => {
    const unknownQ = ext.policies([{ oid: P1, qualifiers: [['1.3.6.1.4.1.99999.7', Uint8Array.of(5, 0)]] }], true);
    const cps = ext.policies([{ oid: P1, qualifiers: [[OID.cps, new Uint8Array([0x16, 3, 0x61, 0x62, 0x63])]] }], true);
    const r = await judge(leaf('q', root, { extensions: [unknownQ] }), [], [root]);
    expect(r.best.status).toBe('invalid');
    expect(failing(r)).toContain('qualifiers Certbench cannot interpret (1.3.6.1.4.1.99999.7)');
    expect((await judge(leaf('q2', root, { extensions: [cps] }), [], [root])).best.status).toBe('valid');
  });

  it('an extension that appears twice is rejected', async () => {
    const r = await judge(leaf('dup', root, { extensions: [ext.eku([OID.clientAuth])] }), [], [root]);
    expect(failing(r)).toContain('carries the Enhanced Key Usage (2.5.29.37) extension twice');
  });
});

describe('certificate policies (RFC 5280 6.1.3 d-f, 6.1.4, 6.1.5)', () => {
  const root = ca('Policy Root');

  it('requireExplicitPolicy: the leaf must carry an acceptable policy', async () => {
    const inter = ca('Explicit CA', root, { extensions: [ext.policies([P1]), ext.policyConstraints({ requireExplicitPolicy: 0 })] });
    const good = leaf('with-p1', inter, { extensions: [ext.policies([P1])] });
    const none = leaf('no-policy', inter);
    const other = leaf('with-p2', inter, { extensions: [ext.policies([P2])] });
    expect((await judge(good, [inter], [root])).best.status).toBe('valid');
    const r = await judge(none, [inter], [root]);
    expect(r.best.status).toBe('invalid');
    expect(checksOf(r, 'policy')[0]?.text).toContain('has no Certificate Policies, and the CAs above require an explicit policy');
    expect((await judge(other, [inter], [root])).best.status).toBe('invalid');
  });

  it('the user-initial-policy-set is an input: a path valid for any policy fails for another', async () => {
    const inter = ca('Any CA', root, { extensions: [ext.policies([OID.anyPolicy])] });
    const l = leaf('p2', inter, { extensions: [ext.policies([P2])] });
    expect((await judge(l, [inter], [root])).best.status).toBe('valid');
    expect((await judge(l, [inter], [root], { policies: [P2] })).best.status).toBe('valid');
    const r = await judge(l, [inter], [root], { policies: [P1] });
    expect(r.best.status).toBe('invalid');
    expect(checksOf(r, 'policy')[0]?.text).toContain(`no certificate policy acceptable for ${P1}`);
  });

  it('policy mappings carry a policy across domains, and inhibitPolicyMapping above stops them', async () => {
    const mapping = (parent: Built, label: string) => ca(label, parent, { extensions: [ext.policies([P1]), ext.policyMappings([[P1, P2]])] });
    const okCa = mapping(root, 'Mapping CA');
    const l = leaf('mapped', okCa, { extensions: [ext.policies([P2])] });
    expect((await judge(l, [okCa], [root], { policies: [P1] })).best.status).toBe('valid');
    // RFC 5280 6.1.4 (b)(2), (i): inhibitPolicyMapping in a CA applies to the certificates below it.
    const inhibiting = ca('Inhibiting CA', root, { extensions: [ext.policies([OID.anyPolicy]), ext.policyConstraints({ inhibitPolicyMapping: 0 })] });
    const noCa = mapping(inhibiting, 'Mapping CA below');
    const l2 = leaf('mapped2', noCa, { extensions: [ext.policies([P2])] });
    const r = await judge(l2, [noCa, inhibiting], [root], { policies: [P1] });
    expect(r.best.status).toBe('invalid');
    expect(checksOf(r, 'policy')).toHaveLength(1);
  });

  it('mapping anyPolicy is refused', async () => {
    const bad = ca('Bad Mapping CA', root, { extensions: [ext.policies([OID.anyPolicy]), ext.policyMappings([[OID.anyPolicy, P2]])] });
    const r = await judge(leaf('m', bad, { extensions: [ext.policies([P2])] }), [bad], [root]);
    expect(checksOf(r, 'policy')[0]?.text).toContain('map anyPolicy');
  });

  it('inhibitAnyPolicy: anyPolicy below the CA no longer stands for every policy', async () => {
    const inhibited = ca('Inhibit CA', root, { extensions: [ext.policies([P1]), ext.inhibitAnyPolicy(0), ext.policyConstraints({ requireExplicitPolicy: 0 })] });
    const anyLeaf = leaf('any', inhibited, { extensions: [ext.policies([OID.anyPolicy])] });
    const p1Leaf = leaf('p1', inhibited, { extensions: [ext.policies([P1, P3])] });
    expect((await judge(anyLeaf, [inhibited], [root])).best.status).toBe('invalid');
    expect((await judge(p1Leaf, [inhibited], [root])).best.status).toBe('valid');
    const open = ca('Open CA', root, { extensions: [ext.policies([P1]), ext.policyConstraints({ requireExplicitPolicy: 0 })] });
    expect((await judge(leaf('any2', open, { extensions: [ext.policies([OID.anyPolicy])] }), [open], [root])).best.status).toBe('valid');
  });
});

describe('name constraints, every name form (RFC 5280 4.2.1.10, 6.1.3 b-c)', () => {
  const root = ca('NC Root');

  it('a CA with over 1,024 permitted names is enforced (its limits used to vanish as "absent")', async () => {
    const permitted = Array.from({ length: 1100 }, (_, i) => ({ dns: `site${i}.contoso.test` }));
    const nc = ca('Big Constrained CA', root, { extensions: [ext.nameConstraints(permitted)] });
    const inside = leaf('inside', nc, { san: [{ dns: 'www.site1050.contoso.test' }] });
    const outside = leaf('outside', nc, { san: [{ dns: 'evil.example' }] });
    expect((await judge(inside, [nc], [root])).best.status).toBe('valid');
    const r = await judge(outside, [nc], [root]);
    expect(r.best.status).toBe('invalid');
    expect(failing(r)).toContain('DNS "evil.example" is outside the permitted dns names (site0.contoso.test, site1.contoso.test');
    expect(failing(r)).toContain('and 1095 more');
  });

  it('a list over the bound makes the chain invalid: "too many names to check", never "no constraints"', async () => {
    const permitted = Array.from({ length: MAX_NAMES + 1 }, (_, i) => ({ dns: `h${i}.t` }));
    const nc = ca('Huge Constrained CA', root, { extensions: [ext.nameConstraints(permitted)] });
    const r = await judge(leaf('anyone', nc, { san: [{ dns: 'h1.t' }] }), [nc], [root]);
    expect(r.best.status).toBe('invalid');
    expect(failing(r)).toContain(`too many names to check: permittedSubtrees holds more than ${MAX_NAMES}`);
    const manySans = Array.from({ length: MAX_NAMES + 1 }, (_, i) => ({ dns: `n${i}.t` }));
    const small = ca('Small Constrained CA', root, { extensions: [ext.nameConstraints([{ dns: 't' }])] });
    const r2 = await judge(leaf('many-sans', small, { san: manySans }), [small], [root]);
    expect(r2.best.status).toBe('invalid');
    expect(failing(r2)).toContain('too many names to check');
  });

  it('IPv4 and IPv6 ranges with masks; addresses of the other family never match', async () => {
    const nc = ca('IP CA', root, { extensions: [ext.nameConstraints([{ ip: '10.20.0.0/16' }, { ip: '2001:db8:abcd::/48' }], [{ ip: '10.20.99.0/24' }])] });
    expect((await judge(leaf('ok', nc, { san: [{ ip: '10.20.1.2' }, { ip: '2001:db8:abcd:1::5' }] }), [nc], [root])).best.status).toBe('valid');
    const r = await judge(leaf('bad', nc, { san: [{ ip: '10.21.0.1' }, { ip: '10.20.99.7' }, { ip: '2001:db8:abce::1' }] }), [nc], [root]);
    const text = failing(r);
    expect(text).toContain('IP "10.21.0.1" is outside the permitted ip names');
    expect(text).toContain('IP "10.20.99.7" falls in the excluded ip names (10.20.99.0/24)');
    expect(text).toContain('IP "2001:db8:abce::1" is outside');
  });

  it('e-mail: a mailbox, a host, or a domain; the subject emailAddress counts as rfc822Name', async () => {
    const nc = ca('Mail CA', root, { extensions: [ext.nameConstraints([{ email: 'contoso.test' }, { email: '.mail.contoso.test' }, { email: 'boss@fabrikam.test' }])] });
    expect((await judge(leaf('m1', nc, { san: [{ email: 'a@contoso.test' }, { email: 'b@x.mail.contoso.test' }, { email: 'boss@fabrikam.test' }] }), [nc], [root])).best.status).toBe('valid');
    const r = await judge(leaf('m2', nc, { san: [{ email: 'a@sub.contoso.test' }, { email: 'other@fabrikam.test' }] }), [nc], [root]);
    expect(failing(r)).toContain('EMAIL "a@sub.contoso.test" is outside');
    expect(failing(r)).toContain('"other@fabrikam.test" is outside');
    const subjectMail = leaf(name([[OID.email, { ia5: 'eve@evil.example' }], [OID.CN, 'eve']]), nc);
    expect(failing(await judge(subjectMail, [nc], [root]))).toContain('EMAIL "eve@evil.example" is outside');
  });

  it('URI: the host only, ".domain" for hosts below it, a bare host for that host alone', async () => {
    const nc = ca('URI CA', root, { extensions: [ext.nameConstraints([{ uri: '.contoso.test' }, { uri: 'fabrikam.test' }])] });
    expect((await judge(leaf('u1', nc, { san: [{ uri: 'https://app.contoso.test:8443/x' }, { uri: 'ldap://fabrikam.test/cn=x' }] }), [nc], [root])).best.status).toBe('valid');
    const text = failing(await judge(leaf('u2', nc, { san: [{ uri: 'https://contoso.test/' }, { uri: 'https://www.fabrikam.test/' }, { uri: 'urn:uuid:1234' }] }), [nc], [root]));
    expect(text).toContain('URI "https://contoso.test/" is outside');
    expect(text).toContain('URI "https://www.fabrikam.test/" is outside');
    expect(text).toContain('URI "urn:uuid:1234" is outside');
  });

  it('directoryName constraints apply to the subject DN, RDN by RDN', async () => {
    const base = name([[OID.C, { printable: 'US' }], [OID.O, 'Contoso']]);
    const nc = ca('DN CA', root, { extensions: [ext.nameConstraints([{ dir: base }])] });
    expect((await judge(leaf(name([[OID.C, 'us'], [OID.O, 'CONTOSO'], [OID.CN, 'alice']]), nc), [nc], [root])).best.status).toBe('valid');
    const r = await judge(leaf(name([[OID.C, 'US'], [OID.O, 'Fabrikam'], [OID.CN, 'mallory']]), nc), [nc], [root]);
    expect(failing(r)).toContain('DIRECTORY "2.5.4.3=mallory,2.5.4.10=Fabrikam,2.5.4.6=US" is outside the permitted directory names');
  });

  it('excluded DNS subtrees catch wildcards that could stand for an excluded name', async () => {
    const nc = ca('Wild CA', root, { extensions: [ext.nameConstraints([], [{ dns: 'secret.contoso.test' }])] });
    expect((await judge(leaf('w1', nc, { san: [{ dns: '*.public.contoso.test' }] }), [nc], [root])).best.status).toBe('valid');
    expect(failing(await judge(leaf('w2', nc, { san: [{ dns: '*.contoso.test' }] }), [nc], [root]))).toContain('DNS "*.contoso.test" falls in the excluded dns names (secret.contoso.test)');
  });

  it('a name form Certbench cannot compare fails when the CA constrains it', async () => {
    const odd = '1.3.6.1.4.1.99999.9';
    const nc = ca('Other CA', root, { extensions: [ext.nameConstraints([{ otherName: odd, value: Uint8Array.of(5, 0) }])] });
    const r = await judge(leaf('o', nc, { san: [{ otherName: odd, value: Uint8Array.of(5, 0) }] }), [nc], [root]);
    expect(failing(r)).toContain(`which Certbench cannot compare, so the certificate must be rejected`);
    expect((await judge(leaf('o2', nc, { san: [{ dns: 'x.test' }] }), [nc], [root])).best.status).toBe('valid');
  });
});

describe('signatures and keys', () => {
  it('a DSA signature Certbench cannot verify leaves the link unverified, which the verdict treats as failing', async () => {
    const dsaRoot = ca('DSA Root', undefined, { key: newKey('dsa', 0) });
    const l = leaf('dsa-signed', dsaRoot);
    const r = await judge(l, [], [dsaRoot]);
    expect(r.best.status).toBe('unverified');
    expect(r.best.links[0]!.status).toBe('unknown');
    expect(r.best.links[0]!.checks.find((c) => c.name === 'signature')?.text).toContain('cannot be verified by Certbench, so this link is unverified');
    // The trusted DSA root's own self-signature: said for what it is, not "could not be checked".
    expect(r.best.links[1]!.checks.find((c) => c.name === 'signature')?.text).toContain('which Certbench cannot verify; a trusted root is trusted for being in the store');
    const v = await verdict(l, r);
    expect(v.usable).toBe(false);
    expect(v.findings.map((f) => f.id)).toContain('chain.unverified-signature');
  });

  it('MD5 signatures break the chain; SHA-1 and RSA keys under 2,048 bits are flagged with the Windows rule', async () => {
    const rsaRoot = ca('RSA Root', undefined, { key: newKey('rsa2048', 0) });
    const md5 = leaf('md5-signed', rsaRoot, { hash: 'md5' });
    const r = await judge(md5, [], [rsaRoot]);
    expect(r.best.status).toBe('invalid');
    expect(failing(r)).toContain('Windows rejects MD5 signatures in certificate chains (Microsoft Security Advisory 2862973');
    const v = await verdict(md5, r);
    expect(v.findings.find((f) => f.id === 'chain.weak-crypto')?.severity).toBe('error');

    const sha1 = leaf('sha1-signed', rsaRoot, { hash: 'sha1' });
    const r2 = await judge(sha1, [], [rsaRoot]);
    expect(r2.best.status).toBe('valid');
    expect(r2.best.links[0]!.status).toBe('warn');
    expect(checksOf(r2, 'crypto')[0]?.text).toContain("Microsoft's SHA-1 deprecation policy");
    const v2 = await verdict(sha1, r2);
    expect(v2.findings.find((f) => f.id === 'chain.weak-crypto')?.severity).toBe('warning');
    // For a server's chain the same SHA-1 signature fails (Windows refuses SHA-1 for server authentication).
    expect((await judge(leaf('sha1-server', rsaRoot, { hash: 'sha1', eku: [OID.serverAuth] }), [], [rsaRoot], { purpose: 'server-auth' })).best.status).toBe('invalid');

    const small = ca('Small Key CA', rsaRoot, { key: newKey('rsa1024', 0) });
    const r3 = await judge(leaf('under-small', small), [small], [rsaRoot]);
    expect(checksOf(r3, 'crypto').map((c) => c.text).join()).toContain('its RSA key has 1024 bits, under 2,048');
  });
});

describe('trust anchors', () => {
  it("Windows' rules by default: an expired root in the Root store breaks the chain, and the reason says so", async () => {
    const old = ca('Expired Root', undefined, { notBefore: new Date(Date.now() - 900 * DAY), notAfter: new Date(Date.now() - 10 * DAY) });
    const l = leaf('under-expired-root', old);
    const r = await judge(l, [], [old]);
    expect(r.best.status).toBe('invalid');
    expect(failing(r)).toContain('Windows rejects a chain whose root has expired, even one in Trusted Root Certification Authorities');
    const rfc = await judge(l, [], [old], { anchors: 'rfc5280' });
    expect(rfc.best.status).toBe('valid');
    expect(rfc.anchors).toBe('rfc5280');
  });

  it('a non-CA root in the Root store breaks the chain on Windows, not under RFC 5280 anchors', async () => {
    const notCa = build({ subject: cn('Not A CA Root'), extensions: [ext.basicConstraints(false)] });
    const l = leaf('under-non-ca', notCa);
    const r = await judge(l, [], [notCa]);
    expect(failing(r)).toContain('Basic Constraints says end entity, yet it issued a certificate (Windows breaks the chain on such a root');
    expect((await judge(l, [], [notCa], { anchors: 'rfc5280' })).best.status).toBe('valid');
  });

  it('a single trusted certificate that is not self-signed is not a complete path', async () => {
    const root = ca('Hidden Root');
    const l = leaf('trusted-leaf', root);
    const r = await judge(l, [], [l]);
    expect(r.best.status).toBe('incomplete');
    const withRoot = await judge(l, [], [l, root]);
    expect(withRoot.best.status).toBe('valid');
  });
});

describe('purposes and EKU nesting', () => {
  const root = ca('Purpose Root');

  it('a serverAuth-only leaf fails the client-auth check on its own link, passes for server authentication', async () => {
    const server = leaf('www', root, { eku: [OID.serverAuth] });
    const r = await judge(server, [], [root]);
    expect(r.best.links[0]!.status).toBe('fail');
    expect(r.best.links[0]!.checks.find((c) => c.name === 'eku')?.text).toBe('its Enhanced Key Usage (Server Authentication) does not allow Client Authentication');
    // The verdict names it once, as the certificate's EKU finding.
    expect((await verdict(server, r)).findings.map((f) => f.id)).toEqual(['cert.no-client-auth-eku']);
    const chain = await analyzeServerChain([{ der: root.der, source: 'Root store', trusted: true }], server.der, at);
    expect(chain?.best.status).toBe('valid');
    expect(chain?.purpose).toBe('server-auth');
  });

  it('strict client mode: clientAuth listed on the leaf, no code signing beside it', async () => {
    const noEku = leaf('no-eku', root, { eku: null });
    const signer = leaf('signer', root, { eku: [OID.clientAuth, OID.codeSigning] });
    const clean = leaf('clean', root);
    expect((await judge(noEku, [], [root])).best.status).toBe('valid');
    expect(failing(await judge(noEku, [], [root], { purpose: 'client-auth-strict' }))).toContain('has no Enhanced Key Usage: strict client mode needs Client Authentication listed');
    expect((await judge(signer, [], [root])).best.status).toBe('valid');
    expect(failing(await judge(signer, [], [root], { purpose: 'client-auth-strict' }))).toContain('also allows Code Signing');
    expect((await judge(clean, [], [root], { purpose: 'client-auth-strict' })).best.status).toBe('valid');
  });

  it("Windows' EKU nesting: an issuing CA limited to server authentication cannot issue client certificates", async () => {
    const serverCa = ca('Server CA', root, { extensions: [ext.eku([OID.serverAuth])] });
    const r = await judge(leaf('c', serverCa), [serverCa], [root]);
    expect(failing(r)).toContain('limits issued certificates to Server Authentication: not Client Authentication');
    expect((await judge(leaf('s', serverCa, { eku: [OID.serverAuth] }), [serverCa], [root], { purpose: 'server-auth' })).best.status).toBe('valid');
  });
});

describe('a missing issuer is named for what it is', () => {
  const root = ca(name([[OID.O, 'Contoso'], [OID.CN, 'Contoso Root']]));
  const inter = ca(name([[OID.O, 'Contoso'], [OID.CN, 'Contoso Issuing']]), root);

  it('a missing root goes to Trusted Root Certification Authorities (the AKI names the root as its own issuer)', async () => {
    const l = leaf('direct', root, { noKeyIds: true, extensions: [ext.aki(root.ski, root.subject, 1)] });
    const r = await judge(l, [], []);
    expect(r.best.missing?.kind).toBe('root');
    expect(r.best.problems[0]).toContain('the root CA "CN=Contoso Root,O=Contoso" that issued "direct" is in none of the stores or files given; it belongs in Trusted Root Certification Authorities');
    const v = await verdict(l, r);
    const f = v.findings.find((x) => x.id === 'chain.incomplete')!;
    expect(f.title).toBe('The root CA certificate is missing');
    expect(f.params?.issuerKind).toBe('root');
  });

  it('a missing intermediate goes to Intermediate Certification Authorities', async () => {
    const l = leaf('below', inter, { noKeyIds: true, extensions: [ext.aki(inter.ski, root.subject, 2)] });
    const r = await judge(l, [], [root]);
    expect(r.best.missing?.kind).toBe('intermediate');
    expect(r.best.problems[0]).toContain('it belongs in Intermediate Certification Authorities');
  });

  it('when the certificate cannot tell, both stores are named with how to tell', async () => {
    const r = await judge(leaf('plain', inter), [], [root]);
    expect(r.best.missing?.kind).toBe('unknown');
    expect(r.best.problems[0]).toContain('if its own certificate is self-signed (Issued To equals Issued By), it is a root and belongs in Trusted Root Certification Authorities; otherwise it is an intermediate for Intermediate Certification Authorities');
  });
});
