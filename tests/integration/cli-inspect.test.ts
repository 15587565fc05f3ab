import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { requireOpenssl, standardPki } from '../helpers/openssl-pki';
import { requireBuiltCli, runCli } from '../helpers/run-cli';

const missing = requireOpenssl();
if (missing && process.env.CI === 'true') throw new Error(missing);

describe.skipIf(missing !== null)('certbench inspect', () => {
  let s: ReturnType<typeof standardPki>;
  beforeAll(() => {
    requireBuiltCli();
    s = standardPki();
  });
  afterAll(() => s.pki.cleanup());

  it('prints the fields a helpdesk user needs, human-readable by default', () => {
    const facts = s.pki.facts(s.client.pemPath);
    const r = runCli(['inspect', s.client.pemPath]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Thumbprint (SHA-1)   ${facts.sha1}`);
    expect(r.stdout).toContain(`Subject              ${facts.subject}`);
    expect(r.stdout).toContain('Client Authentication (1.3.6.1.5.5.7.3.2), Smart Card Logon (1.3.6.1.4.1.311.20.2.2)');
    expect(r.stdout).toMatch(/Status\s+valid \(valid, 36[45] day\(s\) left\)/);
    expect(r.stdout).toContain('Self-signed          no (issued by another certificate)');
  });

  it('prints one JSON document with --json, and reads DER .cer files', () => {
    const r = runCli(['inspect', '--json', s.client.derPath, s.root.pemPath]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.files.map((f: { format: string }) => f.format)).toEqual(['der', 'pem']);
    expect(doc.files[0].certificates[0].thumbprintSha1).toBe(s.pki.facts(s.client.pemPath).sha1);
    expect(doc.files[1].certificates[0].selfSigned.value).toBe(true);
  });

  it('says EXPIRED and NOT YET VALID plainly', () => {
    const r = runCli(['inspect', s.expired.pemPath, s.future.pemPath]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Status\s+EXPIRED \(expired \d+ day\(s\) ago\)/);
    expect(r.stdout).toMatch(/Status\s+NOT YET VALID \(not valid for another \d+ day\(s\)\)/);
  });

  it('gives one line per bad input on stderr and exit 2, while good files still print', () => {
    const dir = s.pki.dir;
    const notCert = s.pki.write('readme.txt', 'not a certificate');
    const truncated = s.pki.write('cut.der', fs.readFileSync(s.client.derPath).subarray(0, 100));
    const big = path.join(dir, 'huge.pem');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 50 * 1024 * 1024); // sparse 50 MB file: rejected by size before reading
    const r = runCli(['inspect', s.client.pemPath, notCert, truncated, big, dir, path.join(dir, 'nope.pem')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('CN=alice');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      `certbench: ${notCert}: not a certificate (neither PEM nor DER X.509)`,
      expect.stringMatching(new RegExp(`^certbench: ${truncated.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: truncated DER: the file has 100 of the \\d+ bytes`)),
      `certbench: ${big}: file is 50 MB; certificate files are at most 16 MB`,
      `certbench: ${dir}: is a directory, not a certificate file`,
      `certbench: ${path.join(dir, 'nope.pem')}: no such file`,
    ]);
    expect(r.stderr).not.toMatch(/\bat .*\.(c?js|ts):\d+/); // no stack trace
  });

  it('reports errors inside the JSON document too, still exit 2', () => {
    const r = runCli(['inspect', '--json', s.pki.dir]);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.files[0].error.message).toContain('is a directory');
  });

  it('treats bad usage as exit 2 with a hint, and --help as success', () => {
    const noArgs = runCli(['inspect']);
    expect(noArgs.code).toBe(2);
    expect(noArgs.stderr).toContain("missing required argument 'file'");
    const unknown = runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command');
    const badDate = runCli(['inspect', '--at', 'yesterday', s.client.pemPath]);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr.trim()).toBe('certbench: --at: "yesterday" is not a date (use ISO 8601, e.g. 2026-01-31T12:00:00Z)');
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('inspect');
    expect(help.stdout).toContain('serve');
  });

  it('judges validity at a chosen moment with --at', () => {
    const r = runCli(['inspect', '--json', '--at', '2000-01-01T00:00:00Z', s.client.pemPath]);
    expect(JSON.parse(r.stdout).files[0].certificates[0].validity.status).toBe('not-yet-valid');
  });
});
