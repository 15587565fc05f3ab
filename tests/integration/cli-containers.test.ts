import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import fs from 'node:fs';
import { requireOpenssl, standardPki, type Issued } from '../helpers/openssl-pki';
import { Containers, requireLegacyProvider } from '../helpers/openssl-containers';
import { CLI, ROOT, requireBuiltCli } from '../helpers/run-cli';
import { passwordFromEnv, promptHidden } from '../../electron/cli/password';
import { dispatch } from '../../electron/dispatch';
import { testHandlers } from '../helpers/services';
import type { Res } from '../../shared/contract';

const missing = requireOpenssl() ?? requireLegacyProvider();
if (missing && process.env.CI === 'true') throw new Error(missing);

/** Run the built CLI with extra environment variables and no terminal (stdin is a pipe). */
function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(missing !== null)('certbench inspect with containers and keys', () => {
  let s: ReturnType<typeof standardPki>;
  let c: Containers;
  let bob: Issued;
  let pfx: string;
  let legacyPfx: string;
  const PASSWORD = 'Tr0ub4dor&3-secret';

  beforeAll(() => {
    requireBuiltCli();
    s = standardPki();
    c = new Containers(s.pki);
    bob = s.pki.issue('bob', { subject: '/CN=bob', issuer: s.intermediate, keyAlgorithm: 'rsa2048', extensions: ['extendedKeyUsage = clientAuth'] });
    pfx = c.pfx('alice.pfx', s.client, PASSWORD, [], [s.intermediate]);
    legacyPfx = c.pfx('bob-legacy.pfx', bob, PASSWORD, ['-legacy']);
  });
  afterAll(() => s.pki.cleanup());

  it('opens a PFX with --password-env and lists its certificates and key', () => {
    const r = cli(['inspect', '--password-env', 'CB_PFX_PASSWORD', pfx], { CB_PFX_PASSWORD: PASSWORD });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Thumbprint (SHA-1)   ${c.sha1(s.client)}`);
    expect(r.stdout).toContain(`Thumbprint (SHA-1)   ${c.sha1(s.intermediate)}`);
    expect(r.stdout).toContain(`== ${pfx} (private key)`);
    expect(r.stdout).toContain(
      `  Private key: ECC 256 bits (P-256), in PKCS#12, encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC, 2,048 iterations), matches certificate ${c.sha1(s.client)}`,
    );
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it('opens a legacy (RC2/3DES) PFX and prints JSON with keys', () => {
    const r = cli(['inspect', '--json', '--password-env', 'CB_PFX_PASSWORD', legacyPfx], { CB_PFX_PASSWORD: PASSWORD });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.files[0].format).toBe('pkcs12');
    expect(doc.files[0].certificates[0].thumbprintSha1).toBe(c.sha1(bob));
    expect(doc.files[0].keys).toEqual([
      expect.objectContaining({ algorithm: 'RSA', bits: 2048, format: 'pkcs12', matchesCertificate: c.sha1(bob) }),
    ]);
    expect(r.stdout).not.toContain(PASSWORD);
  });

  it('matches a key file to a certificate file given alongside, and says when a key matches none', () => {
    const r = cli(['inspect', bob.pemPath, bob.keyPath, s.root.keyPath]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`== ${bob.keyPath} (private key)\n  Private key: RSA 2048 bits, PKCS#8, matches certificate ${c.sha1(bob)}`);
    expect(r.stdout).toContain(`== ${s.root.keyPath} (private key)\n  Private key: RSA 2048 bits, PKCS#8, matches none of the certificates given`);
  });

  it('reads P7B and bare base64 files by content, whatever their names', () => {
    const p7b = c.p7b('chain.txt', [s.client, s.intermediate, s.root], 'DER');
    const bare = s.pki.write('looks-like.pem', fs.readFileSync(s.client.derPath).toString('base64'));
    const r = cli(['inspect', '--json', p7b, bare]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.files.map((f: { format: string }) => f.format)).toEqual(['pkcs7', 'base64']);
    expect(doc.files[0].certificates).toHaveLength(3);
    expect(doc.files[1].certificates[0].thumbprintSha1).toBe(c.sha1(s.client));
  });

  it('without a terminal and without --password-env: one line, exit 2, other files still shown', () => {
    const r = cli(['inspect', pfx, s.client.pemPath]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('CN=alice');
    expect(r.stderr).toBe(`certbench: ${pfx}: is password-protected (PKCS#12); give its password\n`);
  });

  it('wrong password: one line naming the file, exit 2', () => {
    const r = cli(['inspect', '--password-env', 'CB_PFX_PASSWORD', pfx], { CB_PFX_PASSWORD: 'not-it' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`certbench: ${pfx}: wrong password (the PKCS#12 integrity check failed)\n`);
    const json = cli(['inspect', '--json', '--password-env', 'CB_PFX_PASSWORD', pfx], { CB_PFX_PASSWORD: 'not-it' });
    expect(JSON.parse(json.stdout).files[0].error).toEqual({
      code: 'wrong-password',
      message: `${pfx}: wrong password (the PKCS#12 integrity check failed)`,
    });
  });

  it('--password-env naming an unset variable, or a password on the command line, is bad usage', () => {
    const unset = cli(['inspect', '--password-env', 'CB_NOT_SET_ANYWHERE', pfx]);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toBe('certbench: --password-env: environment variable CB_NOT_SET_ANYWHERE is not set\n');
    const literal = cli(['inspect', '--password-env', 'hunter2!', pfx]);
    expect(literal.code).toBe(2);
    expect(literal.stderr).toMatch(/^certbench: --password-env: "hunter2!" is not an environment variable name/);
    const option = cli(['inspect', '--password', 'x', pfx]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("unknown option '--password'");
  });

  it('reports an encrypted key as encrypted without a password, and opens it with one', () => {
    c.run(['pkcs8', '-topk8', '-in', bob.keyPath, '-v2', 'aes-256-cbc', '-passout', `pass:${PASSWORD}`, '-out', 'bob-enc.key']);
    const locked = cli(['inspect', c.path('bob-enc.key'), bob.pemPath]);
    expect(locked.code).toBe(0);
    expect(locked.stdout).toContain(
      'Private key: encrypted key, encrypted PKCS#8, encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC, 2,048 iterations), encrypted: give its password to match it to a certificate',
    );
    const open = cli(['inspect', '--password-env', 'P', c.path('bob-enc.key'), bob.pemPath], { P: PASSWORD });
    expect(open.stdout).toContain(`Private key: RSA 2048 bits, encrypted PKCS#8, encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC, 2,048 iterations), matches certificate ${c.sha1(bob)}`);
  });
});

describe.skipIf(missing !== null)('certs:inspect through the contract (the path the UI takes)', () => {
  it('accepts a per-file password, returns keys matched across files, and never echoes the password', async () => {
    const s = standardPki();
    try {
      const c = new Containers(s.pki);
      const file = c.pfx('alice.pfx', s.client, 'ui-secret');
      const b64 = (p: string) => fs.readFileSync(p).toString('base64');
      const ctx = { mode: 'web' as const, progress: () => undefined, signal: new AbortController().signal };
      const handlers = testHandlers();
      const r = await dispatch(
        'certs:inspect',
        {
          files: [
            { name: 'alice.pfx', dataBase64: b64(file), password: 'ui-secret' },
            { name: 'locked.pfx', dataBase64: b64(file) },
            { name: 'root.key', dataBase64: b64(s.root.keyPath) },
            { name: 'root.pem', dataBase64: b64(s.root.pemPath) },
          ],
        },
        ctx,
        handlers,
      );
      expect(r.ok).toBe(true);
      const files = (r as { ok: true; value: Res<'certs:inspect'> }).value.files;
      expect(files.map((f) => f.format)).toEqual(['pkcs12', null, 'key', 'pem']);
      expect(files[0]!.keys[0]!.matchesCertificate).toBe(c.sha1(s.client));
      expect(files[1]!.error).toEqual({ code: 'password-required', message: 'locked.pfx: is password-protected (PKCS#12); give its password' });
      expect(files[1]!.keys).toEqual([]);
      expect(files[2]!.keys[0]!.matchesCertificate).toBe(c.sha1(s.root));
      expect(JSON.stringify(r)).not.toContain('ui-secret');
      const tooLong = await dispatch('certs:inspect', { files: [{ name: 'a.pfx', dataBase64: '', password: 'x'.repeat(1025) }] }, ctx, handlers);
      expect(tooLong).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    } finally {
      s.pki.cleanup();
    }
  });
});

describe('the password prompt', () => {
  it('asks on the terminal without echoing what is typed', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d: Buffer) => (shown += d.toString()));
    const answer = promptHidden('Password for alice.pfx: ', { input, output });
    input.write('s3cr3t-typed\r');
    await expect(answer).resolves.toBe('s3cr3t-typed');
    expect(shown).toContain('Password for alice.pfx: ');
    expect(shown).not.toContain('s3cr3t');
  });

  it('gives up cleanly on Ctrl+C or end of input', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const output = new PassThrough();
    const answer = promptHidden('Password: ', { input, output });
    input.write('\u0003');
    await expect(answer).resolves.toBeNull();
    const input2 = Object.assign(new PassThrough(), { isTTY: true });
    const answer2 = promptHidden('Password: ', { input: input2, output });
    input2.end();
    await expect(answer2).resolves.toBeNull();
  });

  it('reads --password-env from the environment only', () => {
    expect(passwordFromEnv('X', { X: 'pw' })).toEqual({ password: 'pw' });
    expect(passwordFromEnv('X', { X: '' })).toEqual({ password: '' });
    expect(passwordFromEnv('Y', {})).toEqual({ error: '--password-env: environment variable Y is not set' });
  });
});
