import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { CertPool } from '../../shared/chain/pool';
import { buildChain } from '../../shared/chain/build';
import { clientAuthVerdict } from '../../shared/verdict/client-auth';
import { summarizeCertificate } from '../../shared/cert/summarize';
import { OpensslPki, requireOpenssl, standardPki, type Issued } from '../helpers/openssl-pki';

const missing = requireOpenssl();
if (missing && process.env.CI === 'true') throw new Error(missing);
const at = new Date();
const der = (i: Issued) => new Uint8Array(fs.readFileSync(i.derPath));
const CA = ['basicConstraints = critical, CA:true', 'keyUsage = critical, keyCertSign, cRLSign'];

describe.skipIf(missing !== null)('chain building and validation', () => {
  let s: ReturnType<typeof standardPki>;
  let pki: OpensslPki;
  beforeAll(() => {
    s = standardPki();
    pki = s.pki;
  });
  afterAll(() => pki.cleanup());

  function pool(items: [Issued, string, boolean?][]): CertPool {
    const p = new CertPool();
    for (const [i, source, trusted] of items) p.add(der(i), source, trusted ?? false);
    return p;
  }

  it('validates leaf -> intermediate -> trusted root and says so per link', async () => {
    const p = pool([[s.client, 'alice.cer'], [s.intermediate, 'CA store'], [s.root, 'Root store', true]]);
    const report = await buildChain(p, p.add(der(s.client), 'alice.cer'), { at, purpose: 'client-auth' });
    expect(report.best.status).toBe('valid');
    expect(report.best.links.map((l) => [l.commonName, l.role, l.status])).toEqual([
      ['alice', 'leaf', 'ok'],
      ['Certbench Test Issuing CA', 'intermediate', 'ok'],
      ['Certbench Test Root', 'root', 'ok'],
    ]);
    expect(report.best.links[0]!.checks.find((c) => c.name === 'signature')?.text).toBe(
      'signature verifies with the key of "Certbench Test Issuing CA"',
    );
    expect(report.best.links[2]!.checks.find((c) => c.name === 'trust')?.text).toBe('trusted (Root store)');
    expect(report.best.problems).toEqual([]);
  });

  it('marks a root that is not trusted', async () => {
    const p = pool([[s.intermediate, 'file'], [s.root, 'file']]);
    const report = await buildChain(p, p.add(der(s.client), 'file'), { at });
    expect(report.best.status).toBe('untrusted');
    expect(report.best.problems).toEqual(['the chain ends in "Certbench Test Root", which is not a trusted root']);
  });

  it('names the missing intermediate when it is in none of the sources', async () => {
    const p = pool([[s.root, 'Root store', true]]);
    const report = await buildChain(p, p.add(der(s.client), 'alice.cer'), { at });
    expect(report.best.status).toBe('incomplete');
    expect(report.best.missing?.issuer).toBe('CN=Certbench Test Issuing CA,O=Certbench Test,C=US');
    expect(report.best.missing?.authorityKeyId).toMatch(/^[0-9A-F]{40}$/);
    // The alice certificate's AKI holds a key id only, so it cannot tell a root from an
    // intermediate; calling it "the intermediate" sent missing roots to the wrong store.
    expect(report.best.missing?.kind).toBe('unknown');
    expect(report.best.problems[0]).toMatch(
      /^the CA "CN=Certbench Test Issuing CA,O=Certbench Test,C=US" that issued "alice" is in none of the stores or files given\. .*Trusted Root Certification Authorities.*Intermediate Certification Authorities/,
    );
  });

  it('merges duplicates from several sources into one link', async () => {
    const p = pool([[s.intermediate, 'CA store'], [s.intermediate, 'handshake'], [s.root, 'Root store', true]]);
    expect(p.size).toBe(2);
    const report = await buildChain(p, p.add(der(s.client), 'alice.cer'), { at });
    expect(report.best.links[1]!.sources).toEqual(['CA store', 'handshake']);
  });

  it('follows cross-signed CAs to whichever root is trusted, and lists the other path', async () => {
    const oldRoot = pki.issue('old-root', { subject: '/CN=Old Root', extensions: CA });
    const newRoot = pki.issue('new-root', { subject: '/CN=New Root', extensions: CA });
    const cross = pki.issue('new-root-cross', { subject: '/CN=New Root', issuer: oldRoot, reuseKeyOf: newRoot, extensions: CA });
    const leaf = pki.issue('xleaf', { subject: '/CN=cross-leaf', issuer: newRoot, extensions: ['extendedKeyUsage = clientAuth'] });
    // Only the old root is trusted (a client that never installed the new root): go through the cross.
    const p1 = pool([[newRoot, 'file'], [cross, 'CA store'], [oldRoot, 'Root store', true]]);
    const r1 = await buildChain(p1, p1.add(der(leaf), 'leaf'), { at });
    expect(r1.best.status).toBe('valid');
    expect(r1.best.links.map((l) => l.commonName)).toEqual(['cross-leaf', 'New Root', 'Old Root']);
    expect(r1.alternatives.map((a) => a.status)).toContain('untrusted');
    // Trusting the new root directly makes the short path the best.
    const p2 = pool([[newRoot, 'Root store', true], [cross, 'CA store'], [oldRoot, 'file']]);
    const r2 = await buildChain(p2, p2.add(der(leaf), 'leaf'), { at });
    expect(r2.best.status).toBe('valid');
    expect(r2.best.links.map((l) => l.commonName)).toEqual(['cross-leaf', 'New Root']);
  });

  it('terminates on CAs that cross-sign each other in a loop', async () => {
    const a = pki.issue('loop-a', { subject: '/CN=Loop A', extensions: CA });
    const b = pki.issue('loop-b', { subject: '/CN=Loop B', extensions: CA });
    const aByB = pki.issue('loop-a-by-b', { subject: '/CN=Loop A', issuer: b, reuseKeyOf: a, extensions: CA });
    const bByA = pki.issue('loop-b-by-a', { subject: '/CN=Loop B', issuer: a, reuseKeyOf: b, extensions: CA });
    const leaf = pki.issue('loop-leaf', { subject: '/CN=loop-leaf', issuer: a });
    const p = pool([[aByB, 'f'], [bByA, 'f']]);
    const report = await buildChain(p, p.add(der(leaf), 'f'), { at });
    expect(report.best.links.map((l) => l.commonName)).toEqual(['loop-leaf', 'Loop A', 'Loop B']);
    expect(report.best.status).toBe('incomplete');
  });

  it('does not accept a look-alike issuer whose key did not sign', async () => {
    const fake = pki.issue('fake-issuing', { subject: '/C=US/O=Certbench Test/CN=Certbench Test Issuing CA', extensions: CA });
    const p = pool([[fake, 'file', true]]);
    const report = await buildChain(p, p.add(der(s.client), 'f'), { at });
    expect(report.best.status).toBe('invalid');
    expect(report.best.problems[0]).toContain('signature does NOT verify with the key of "Certbench Test Issuing CA"');
  });

  describe('faults in the chain are named in words', () => {
    it('an expired intermediate', async () => {
      const root = pki.issue('r-exp', { subject: '/CN=R exp', extensions: CA });
      const inter = pki.issue('i-exp', { subject: '/CN=I exp', issuer: root, extensions: CA, start: new Date(Date.now() - 90 * 86400e3), end: new Date(Date.now() - 86400e3) });
      const leaf = pki.issue('l-exp', { subject: '/CN=l-exp', issuer: inter });
      const p = pool([[inter, 'f'], [root, 'r', true]]);
      const report = await buildChain(p, p.add(der(leaf), 'f'), { at });
      expect(report.best.status).toBe('invalid');
      expect(report.best.problems.join(' ')).toMatch(/"I exp": expired on \d{4}-\d\d-\d\d/);
    });

    it('path length, CA flag, Certificate Signing, EKU nesting and name constraints', async () => {
      const root = pki.issue('r-x', { subject: '/CN=R x', extensions: CA });
      const pl0 = pki.issue('pl0', { subject: '/CN=PathLen0', issuer: root, extensions: ['basicConstraints = critical, CA:true, pathlen:0', 'keyUsage = keyCertSign'] });
      const sub = pki.issue('sub', { subject: '/CN=Sub under pathlen0', issuer: pl0, extensions: CA });
      const l1 = pki.issue('l1', { subject: '/CN=l1', issuer: sub });
      const p = pool([[pl0, 'f'], [sub, 'f'], [root, 'r', true]]);
      const r1 = await buildChain(p, p.add(der(l1), 'f'), { at });
      expect(r1.best.problems).toContain('"PathLen0": path length limit 0 exceeded: 1 CAs below it');

      const notCa = pki.issue('notca', { subject: '/CN=Not a CA', issuer: root, extensions: ['basicConstraints = CA:false'] });
      const l2 = pki.issue('l2', { subject: '/CN=l2', issuer: notCa });
      const p2 = pool([[notCa, 'f'], [root, 'r', true]]);
      expect((await buildChain(p2, p2.add(der(l2), 'f'), { at })).best.problems).toContain(
        '"Not a CA": is NOT a CA: Basic Constraints says end entity, yet it issued a certificate',
      );

      const noSign = pki.issue('nosign', { subject: '/CN=No CertSign', issuer: root, extensions: ['basicConstraints = critical, CA:true', 'keyUsage = digitalSignature'] });
      const l3 = pki.issue('l3', { subject: '/CN=l3', issuer: noSign });
      const p3 = pool([[noSign, 'f'], [root, 'r', true]]);
      expect((await buildChain(p3, p3.add(der(l3), 'f'), { at })).best.problems).toContain(
        '"No CertSign": Key Usage (Digital Signature) lacks Certificate Signing',
      );

      const serverCa = pki.issue('serverca', { subject: '/CN=Server-only CA', issuer: root, extensions: [...CA, 'extendedKeyUsage = serverAuth'] });
      const l4 = pki.issue('l4', { subject: '/CN=l4', issuer: serverCa, extensions: ['extendedKeyUsage = clientAuth'] });
      const p4 = pool([[serverCa, 'f'], [root, 'r', true]]);
      const r4 = await buildChain(p4, p4.add(der(l4), 'f'), { at, purpose: 'client-auth' });
      expect(r4.best.problems).toContain('"Server-only CA": limits issued certificates to Server Authentication: not Client Authentication');
      // For another purpose the same chain is fine.
      expect((await buildChain(p4, p4.add(der(l4), 'f'), { at, purpose: 'any' })).best.status).toBe('valid');

      const ncCa = pki.issue('ncca', { subject: '/CN=Contoso Constrained CA', issuer: root, extensions: [...CA, 'nameConstraints = critical, permitted;DNS:.contoso.test, excluded;IP:10.0.0.0/255.0.0.0'] });
      const good = pki.issue('ncgood', { subject: '/CN=good', issuer: ncCa, extensions: ['subjectAltName = DNS:a.contoso.test'] });
      const bad = pki.issue('ncbad', { subject: '/CN=bad', issuer: ncCa, extensions: ['subjectAltName = DNS:evil.example, IP:10.9.9.9'] });
      const p5 = pool([[ncCa, 'f'], [root, 'r', true]]);
      expect((await buildChain(p5, p5.add(der(good), 'f'), { at })).best.status).toBe('valid');
      const r5 = await buildChain(p5, p5.add(der(bad), 'f'), { at });
      expect(r5.best.status).toBe('invalid');
      expect(r5.best.problems[0]).toBe(
        '"Contoso Constrained CA": name constraints broken: "bad": DNS "evil.example" is outside the permitted dns names (.contoso.test); "bad": IP "10.9.9.9" falls in the excluded ip names (10.0.0.0/8)',
      );
    });
  });
});

describe.skipIf(missing !== null)('client-authentication verdict', () => {
  let s: ReturnType<typeof standardPki>;
  beforeAll(() => {
    s = standardPki();
  });
  afterAll(() => s.pki.cleanup());

  async function verdictFor(i: Issued, keyStatus: 'present' | 'missing' | 'unknown', trustRoot = true) {
    const p = new CertPool();
    p.add(der(s.intermediate), 'CA store');
    p.add(der(s.root), 'Root store', trustRoot);
    const chain = await buildChain(p, p.add(der(i), 'file'), { at, purpose: 'client-auth' });
    const summary = await summarizeCertificate(i.name, der(i), at);
    return clientAuthVerdict(summary, chain, { status: keyStatus, detail: keyStatus === 'missing' ? 'No key file matches its public key.' : '' }, at);
  }

  it('says yes, in one sentence, when every point holds', async () => {
    const v = await verdictFor(s.client, 'present');
    expect(v.usable).toBe(true);
    expect(v.findings).toEqual([]);
    expect(v.sentence).toBe('"alice" can authenticate a client: Client Authentication allowed, valid, private key present, chain complete to a trusted root.');
  });

  it('names every failing point as a catalogue finding with evidence', async () => {
    const server = await verdictFor(s.serverOnly, 'missing', false);
    expect(server.usable).toBe(false);
    expect(server.findings.map((f) => f.id).sort()).toEqual(['cert.no-client-auth-eku', 'cert.no-private-key', 'chain.untrusted-root']);
    expect(server.findings.find((f) => f.id === 'cert.no-client-auth-eku')?.evidence[0]?.text).toBe('Enhanced Key Usage: Server Authentication (1.3.6.1.5.5.7.3.1)');
    expect(server.sentence).toMatch(/^"www\.contoso\.test" cannot authenticate a client: /);

    const expired = await verdictFor(s.expired, 'present');
    expect(expired.findings.map((f) => f.id)).toEqual(['cert.expired']);
  });

  it('flags Key Usage without digitalSignature', async () => {
    const pki = new OpensslPki();
    try {
      const root = pki.issue('kr', { subject: '/CN=KU Root', extensions: CA });
      const leaf = pki.issue('kl', { subject: '/CN=encrypt-only', issuer: root, extensions: ['keyUsage = keyEncipherment', 'extendedKeyUsage = clientAuth'] });
      const summary = await summarizeCertificate('kl', der(leaf), at);
      const v = clientAuthVerdict(summary, null, { status: 'unknown', detail: '' }, at);
      expect(v.findings.map((f) => f.id)).toEqual(['cert.no-digital-signature']);
    } finally {
      pki.cleanup();
    }
  });

  it('stays honest when the key or the chain is not known', async () => {
    const summary = await summarizeCertificate('alice', der(s.client), at);
    const v = clientAuthVerdict(summary, null, { status: 'unknown', detail: '' }, at);
    expect(v.usable).toBeNull();
    expect(v.sentence).toBe('"alice" is fit for client authentication as far as the certificate goes; not known yet: whether its private key is available and its chain.');
  });
});
