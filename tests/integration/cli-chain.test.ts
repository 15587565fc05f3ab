import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireOpenssl, standardPki } from '../helpers/openssl-pki';
import { requireBuiltCli, runCli } from '../helpers/run-cli';

const missing = requireOpenssl();
if (missing && process.env.CI === 'true') throw new Error(missing);

describe.skipIf(missing !== null)('certbench chain', () => {
  let s: ReturnType<typeof standardPki>;
  beforeAll(() => {
    requireBuiltCli();
    s = standardPki();
  });
  afterAll(() => s.pki.cleanup());

  it('draws a valid chain root-last and exits 0', () => {
    const r = runCli(['chain', s.client.pemPath, s.intermediate.pemPath, '--trust', s.root.pemPath, '--no-system-trust']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('== Chain (valid)');
    expect(r.stdout).toMatch(/\[ok {2}\] alice {2}\(leaf, [0-9A-F]{40}, from .*client\.pem\)\n {4}\[ok {2}\] Certbench Test Issuing CA {2}\(intermediate/);
    expect(r.stdout).toContain('Verdict: "alice" is fit for client authentication as far as the certificate goes; not known yet: whether its private key is available.');
  });

  it('names the missing intermediate and the wrong EKU, with exit 1 and catalogue ids in JSON', () => {
    const r = runCli(['chain', '--json', '--no-system-trust', s.serverOnly.pemPath, '--trust', s.root.pemPath]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings.map((f: { id: string }) => f.id).sort()).toEqual(['cert.no-client-auth-eku', 'chain.incomplete']);
    expect(doc.results[0].chain.best.missing.issuer).toBe('CN=Certbench Test Issuing CA,O=Certbench Test,C=US');
  });

  it('reports an untrusted root when it is only given as a plain file', () => {
    const r = runCli(['chain', '--no-system-trust', s.client.pemPath, s.intermediate.pemPath, s.root.pemPath]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('chain.untrusted-root: The chain ends in "Certbench Test Root", a root that is not trusted');
  });

  it('uses the system trust bundle named by CERTBENCH_SYSTEM_TRUST', () => {
    const r = runCli(['chain', '--json', s.client.pemPath, s.intermediate.pemPath], { env: { CERTBENCH_SYSTEM_TRUST: s.root.pemPath } });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.trust).toEqual({ source: `system trust (${s.root.pemPath})`, anchors: 1, note: null });
    expect(doc.results[0].chain.best.status).toBe('valid');
    expect(doc.results[0].chain.best.links[2].sources).toEqual(['system trust']);
  });

  it('says yes when the key file given matches, and names a missing key when none does', () => {
    const ok = runCli(['chain', '--no-system-trust', s.client.pemPath, s.client.keyPath, s.intermediate.pemPath, '--trust', s.root.pemPath]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Verdict: "alice" can authenticate a client: Client Authentication allowed, valid, private key present, chain complete to a trusted root.');
    const wrongKey = runCli(['chain', '--json', '--no-system-trust', s.client.pemPath, s.serverOnly.keyPath, s.intermediate.pemPath, '--trust', s.root.pemPath]);
    expect(wrongKey.code).toBe(1);
    const doc = JSON.parse(wrongKey.stdout);
    const f = doc.findings.find((x: { id: string }) => x.id === 'cert.no-private-key');
    expect(f.evidence[0].text).toBe('None of the 1 private key(s) opened matches its public key.');
  });

  it('judges a CA given on its own (it used to say "no certificates found")', () => {
    const r = runCli(['chain', '--json', '--no-system-trust', s.intermediate.pemPath, '--trust', s.root.pemPath]);
    expect(r.stderr).not.toContain('no certificates found');
    const doc = JSON.parse(r.stdout);
    expect(doc.results).toHaveLength(1);
    expect(doc.results[0].chain.best.status).toBe('valid');
    expect(doc.results[0].chain.best.links.map((l: { role: string }) => l.role)).toEqual(['leaf', 'root']);
  });

  it('--policy sets the user-initial-policy-set, --strict the strict client mode, --rfc5280-anchors the anchor rules', () => {
    // The standard PKI asserts no certificate policy: valid for any policy, invalid for a named one.
    const anyPolicy = JSON.parse(runCli(['chain', '--json', '--no-system-trust', s.client.pemPath, s.intermediate.pemPath, '--trust', s.root.pemPath]).stdout);
    expect(anyPolicy.results[0].chain.best.status).toBe('valid');
    const named = runCli(['chain', '--json', '--no-system-trust', '--policy', '1.3.6.1.4.1.311.21.8.1', '--policy', '2.23.140.1.2.1', s.client.pemPath, s.intermediate.pemPath, '--trust', s.root.pemPath]);
    expect(named.code).toBe(1);
    const doc = JSON.parse(named.stdout);
    expect(doc.results[0].chain.policies).toEqual(['1.3.6.1.4.1.311.21.8.1', '2.23.140.1.2.1']);
    expect(doc.results[0].chain.best.status).toBe('invalid');
    expect(doc.findings.map((f: { id: string }) => f.id)).toContain('chain.invalid');
    expect(runCli(['chain', '--policy', 'not-an-oid', s.client.pemPath]).stderr).toContain('--policy: "not-an-oid" is not an object identifier');

    const strict = JSON.parse(runCli(['chain', '--json', '--no-system-trust', '--strict', '--rfc5280-anchors', s.client.pemPath, s.intermediate.pemPath, '--trust', s.root.pemPath]).stdout);
    expect(strict.results[0].chain.purpose).toBe('client-auth-strict');
    expect(strict.results[0].chain.anchors).toBe('rfc5280');
    expect(strict.results[0].chain.best.status).toBe('valid');
  });
});
