import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finding, type Finding } from '../../shared/findings/catalogue';
import { fixesFor } from '../../shared/fixes';
import { caPem, fixCases, type FixCase } from '../helpers/fix-cases';
import { TestAccounts, asUser, getfacl, requireLinuxKeyTools } from '../helpers/linux-system';

/**
 * The bash fix scripts, run: quoting is proven, not hoped. Every generated script and
 * undo passes `bash -n`; then each runs in a scratch folder with PATH starting at stub programs
 * (setfacl, getfacl, runuser, id, getent, curl, update-ca-certificates, nginx, apachectl,
 * systemctl, touch) and logging wrappers around the real cp, rm, chmod, stat, awk and openssl.
 * Every program logs its argv NUL-separated. With hostile values in every free-text param we check:
 *  - each value reaches its program as exactly one argument, byte for byte;
 *  - no injected command ran: `touch` (which no script calls) is never called and no PWNED file
 *    appears, although the values are full of `$(touch PWNED)`, backticks, `;`, `|`, `&&`, newlines;
 *  - the script succeeds, a second run changes nothing ("[skip]", no change command in the log), the
 *    undo restores the files byte for byte, and a second undo skips.
 * A script may also stop on purpose ("FAILED: ..." and exit 1, nothing changed), e.g. when openssl
 * prints a control character of a hostile certificate name escaped and the names no longer match.
 * The PowerShell scripts change Windows subsystems and are not run here: real pwsh parses them and
 * proves their quoting with its own tokenizer (tests/integration/powershell-scripts.test.ts and
 * powershell-quote.test.ts).
 */

const META = { now: new Date('2026-03-17T08:00:00Z'), version: 'test' };
const which = (cmd: string) => spawnSync('bash', ['-c', 'command -v -- "$1"', 'which', cmd], { encoding: 'utf8' }).stdout.trim();

const PASSTHROUGH = ['cp', 'rm', 'chmod', 'stat', 'awk', 'openssl'];
const STUBS = ['setfacl', 'getfacl', 'runuser', 'id', 'getent', 'curl', 'update-ca-certificates', 'nginx', 'apachectl', 'systemctl', 'touch'];
const missingTools = [...PASSTHROUGH, 'bash', 'cmp', 'mktemp', 'flock'].filter((t) => !which(t));
const missing = missingTools.length ? `${missingTools.join(', ')} not installed (apt-get install coreutils diffutils mawk openssl util-linux)` : null;
if (missing && process.env.CI === 'true') throw new Error(missing);

/** Every call is logged as: name NUL argc NUL arg NUL ... (arguments may hold newlines, never NUL), under a lock. */
const LOG_CALL = `exec 9>>"$CB_STUB_LOG.lock"\nflock 9\n{ printf '%s\\0' "\${0##*/}" "$#"; if [ "$#" -gt 0 ]; then printf '%s\\0' "$@"; fi; } >> "$CB_STUB_LOG"\nexec 9>&-`;

/** The stub program (one file, behaving by the name it is installed under). */
const STUB = fs.readFileSync(path.join(__dirname, '../fixtures/fixes/stub.sh'), 'utf8');

interface Call {
  name: string;
  args: string[];
}

function readLog(file: string): Call[] {
  if (!fs.existsSync(file)) return [];
  const parts = fs.readFileSync(file).toString('utf8').split('\0');
  const calls: Call[] = [];
  let i = 0;
  while (i < parts.length - 1) {
    const name = parts[i]!;
    const argc = Number(parts[i + 1]);
    calls.push({ name, args: parts.slice(i + 2, i + 2 + argc) });
    i += 2 + argc;
  }
  return calls;
}

/** bash with arguments (and optional stdin), its exit status and output; killed after 60 s. */
function bashAsync(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const input = options.input;
    const child = spawn('bash', args, { cwd: options.cwd, env: options.env ?? process.env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    if (input !== undefined) {
      // bash -n may stop reading at a syntax error; the status says so, the broken pipe adds nothing.
      child.stdin!.on('error', () => {});
      child.stdin!.end(input);
    }
  });
}

/** A scratch world: stub bin folder, log, state, backups, anchors, and the files each case needs. */
class Scratch {
  readonly root: string;
  readonly bin: string;
  readonly log: string;
  readonly state: string;
  constructor() {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-fixes-'));
    this.bin = path.join(this.root, 'bin');
    this.state = path.join(this.root, 'state');
    this.log = path.join(this.state, 'calls.log');
    for (const d of [this.bin, this.state, path.join(this.root, 'anchors'), path.join(this.root, 'work')]) fs.mkdirSync(d, { recursive: true });
    for (const name of STUBS) fs.writeFileSync(path.join(this.bin, name), STUB, { mode: 0o755 });
    for (const name of PASSTHROUGH) fs.writeFileSync(path.join(this.bin, name), `#!/bin/bash\n${LOG_CALL}\n${name === 'awk' ? `if [ -n "\${CB_HOST+x}" ]; then printf '%s\\0' awk-env 1 "$CB_HOST" >> "$CB_STUB_LOG"; fi\n` : ''}exec ${which(name)} "$@"\n`, { mode: 0o755 });
  }

  private env(): NodeJS.ProcessEnv {
    return {
      PATH: `${this.bin}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin`,
      LC_ALL: 'C.UTF-8',
      CERTBENCH_BACKUP_ROOT: path.join(this.root, 'backups'),
      CERTBENCH_ANCHOR_DIR: path.join(this.root, 'anchors'),
      CB_STUB_LOG: this.log,
      CB_STUB_STATE: this.state,
      CB_STUB_ROOT: this.root,
      CB_STUB_CERT: path.join(this.root, 'download.pem'),
      CB_REAL_CHMOD: which('chmod'),
      CB_REAL_STAT: which('stat'),
    };
  }

  private scriptFile(script: string): string {
    const file = path.join(this.root, `script-${Math.random().toString(36).slice(2)}.sh`);
    fs.writeFileSync(file, script);
    return file;
  }

  run(script: string, args: string[] = []) {
    const file = this.scriptFile(script);
    const r = spawnSync('bash', [file, ...args], { cwd: path.join(this.root, 'work'), encoding: 'utf8', timeout: 60_000, env: this.env() });
    fs.rmSync(file);
    return r;
  }

  /** The same run without blocking, so the cases' scratch worlds run side by side (the suite's time is mostly process starts). */
  runAsync(script: string, args: string[] = []): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const file = this.scriptFile(script);
    return bashAsync([file, ...args], { cwd: path.join(this.root, 'work'), env: this.env() }).finally(() => fs.rmSync(file));
  }

  calls(): Call[] {
    return readLog(this.log);
  }

  clearLog(): void {
    fs.rmSync(this.log, { force: true });
  }

  /** Every file under the scratch folder except the log, state and backups, with its bytes and mode. */
  snapshot(): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if ([this.bin, this.state, this.log, path.join(this.root, 'backups')].includes(p)) continue;
        if (e.isDirectory()) walk(p);
        else out.set(p, `${(fs.statSync(p).mode & 0o777).toString(8)} ${fs.readFileSync(p).toString('base64')}`);
      }
    };
    walk(this.root);
    return out;
  }

  pwned(): string[] {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        // What `touch PWNED1` would make; the hostile values themselves name folders that merely contain it.
        if (/^PWNED\d*$/.test(e.name)) found.push(path.join(dir, e.name));
        if (e.isDirectory()) walk(path.join(dir, e.name));
      }
    };
    walk(this.root);
    return found;
  }

  remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

const mkfile = (file: string, text: string, mode = 0o644) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode);
};

/** The files a case's script works on, made in the scratch folder; returns the (tool, argument) pairs to find in the log. */
function prepare(c: FixCase, h: string, s: Scratch): Array<[string, string]> {
  const p = c.params(h);
  const root = s.root;
  const clients = path.join(root, 'ca', 'clients.pem');
  mkfile(clients, caPem('Existing Client CA', 'intermediate'));
  fs.writeFileSync(path.join(root, 'download.pem'), caPem(`x${h}x`, 'intermediate'));
  switch (c.fixId) {
    case 'key.grant-read':
      mkfile(p.keyPath!, 'PRIVATE KEY', 0o600);
      return [['setfacl', p.keyPath!], ['runuser', p.identity!.replace(/^(user|group):/, '')], [p.identity!.startsWith('group:') ? 'getent' : 'id', p.identity!.replace(/^(user|group):/, '')]];
    case 'key.restrict':
      mkfile(p.keyPath!, 'PRIVATE KEY', 0o644);
      return [['chmod', p.keyPath!]];
    case 'store.import-intermediate':
      return p.downloadUrl ? [['curl', p.downloadUrl]] : [];
    case 'store.import-root':
      return [];
    case 'store.move-non-self-signed':
    case 'store.remove-expired-roots':
      mkfile(p.file!, c.fixId === 'store.remove-expired-roots' ? caPem(`x${h}x`, 'root', true) : caPem(`x${h}x`, 'intermediate'));
      return [['rm', p.file!]];
    default: {
      const nginx = p.serverSoftware === 'nginx';
      const conf = nginx
        ? `server {\n    listen 80;\n    server_name other.example;\n}\nserver {\n    listen 443 ssl;\n    server_name shop.example;\n    ssl_client_certificate ${clients};\n    ssl_verify_client optional;\n}\n`
        : `<VirtualHost *:443>\n    ServerName shop.example\n    SSLEngine on\n    SSLCACertificateFile ${clients}\n    <Location /secure>\n        SSLVerifyClient require\n    </Location>\n</VirtualHost>\n`;
      mkfile(p.file!, conf);
      return [['awk', p.file!], ['awk-env', p.host!]];
    }
  }
}

const findingFor = (c: FixCase, h: string): Finding => finding(c.findingId, `title ${h}`, `detail ${h}`, [{ kind: 'evidence', text: h }], { params: c.params(h) });

/** Hand-picked breakouts, all valid in paths, names and hosts (no control characters: see the property runs for those). */
const EVIL = [
  `$(touch PWNED1)'\`touch PWNED2\`";touch PWNED3|touch PWNED4&&touch PWNED5 %PATH% {} \${HOME} 😀 \u202Eevil\u202C`,
  `'; touch PWNED6; echo '" ; touch PWNED7 ; " $((1+1)) \\ # ~ * ? [a] -n --`,
  // No white space (a URL cannot hold any): $IFS does the splitting an injection would need.
  `$(touch\${IFS}PWNED8);touch\${IFS}PWNED9|'"\`{}%😀\u202E&&`,
];
const HOSTILE_PARTS = ['$(touch PWNED)', '`touch PWNED`', ';touch PWNED;', '|touch PWNED', '&&touch PWNED', '\ntouch PWNED\n', '\r', "'", '"', '\\', '%', '{}', '$HOME', '*', ' ', '\u202E', '😀', 'é', '-', '='];
const hostile = fc
  .array(fc.constantFrom(...HOSTILE_PARTS), { minLength: 1, maxLength: 5 })
  .map((parts) => parts.join(''))
  .filter((h) => Buffer.byteLength(h) < 120 && !h.includes('/'));

/** Run the case named `name` with value `h` in a fresh scratch folder (the case's paths live there). */
async function checkRun(name: string, h: string): Promise<'done' | 'stopped' | 'refused'> {
  const s = new Scratch();
  try {
    const c = fixCases(s.root).find((x) => x.name === name)!;
    if (!c.accepts(h)) return 'refused';
    const expected = prepare(c, h, s);
    const fix = fixesFor([findingFor(c, h)], ['bash'], META).fixes.find((f) => f.id === c.fixId);
    expect(fix, `${c.name}: a script for ${JSON.stringify(h)}`).toBeDefined();
    for (const text of [fix!.script, fix!.undo]) {
      const syntax = await bashAsync(['-n'], { input: text });
      expect(syntax.status, syntax.stderr).toBe(0);
    }
    const before = s.snapshot();

    const first = await s.runAsync(fix!.script);
    const calls = s.calls();
    expect(s.pwned()).toEqual([]);
    expect(calls.filter((x) => x.name === 'touch')).toEqual([]);
    if (first.status !== 0) {
      // A deliberate stop, before any change.
      expect(first.stderr, first.stdout).toMatch(/^FAILED: /m);
      expect(s.snapshot()).toEqual(before);
      return 'stopped';
    }
    expect(first.stdout).toContain(`[done] ${c.fixId}`);
    for (const [tool, value] of expected) {
      expect(calls.some((x) => x.name === tool && x.args.includes(value)), `${tool} got ${JSON.stringify(value)} as one argument: ${JSON.stringify(calls.map((x) => [x.name, x.args.length]))}`).toBe(true);
    }
    const changed = s.snapshot();

    // Idempotent: the second run checks, skips, changes nothing.
    s.clearLog();
    const second = await s.runAsync(fix!.script);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain(`[skip] ${c.fixId}`);
    expect(second.stdout).toContain('Nothing was changed');
    expect(s.calls().filter((x) => ['setfacl', 'update-ca-certificates', 'rm', 'curl'].includes(x.name))).toEqual([]);
    expect(s.snapshot()).toEqual(changed);

    // The undo restores every file; a second undo finds nothing left to restore.
    const undo = await s.runAsync(fix!.undo);
    expect(undo.status, undo.stderr).toBe(0);
    expect(undo.stdout).toContain(`[undone] ${c.fixId}`);
    expect(s.snapshot()).toEqual(before);
    const again = await s.runAsync(fix!.undo);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain(`[skip] ${c.fixId}`);
    expect(s.pwned()).toEqual([]);
    expect(s.calls().filter((x) => x.name === 'touch')).toEqual([]);
    return 'done';
  } finally {
    s.remove();
  }
}

// The cases run side by side (each in its own scratch world); every value of every case still runs.
describe.skipIf(missing !== null)('bash fix scripts, run against stub programs', () => {
  for (const c of fixCases().filter((x) => x.shell === 'bash')) {
    it.concurrent(`${c.name}: hostile values stay single arguments; twice is safe; undo restores`, async () => {
      const picked = (await Promise.all(EVIL.map((h) => checkRun(c.name, h)))).filter((o) => o !== 'refused');
      expect(picked.length, 'at least one hand-picked value applies').toBeGreaterThan(0);
      expect(picked, 'the hand-picked values must go all the way through').toEqual(picked.map(() => 'done'));
      await fc.assert(
        fc.asyncProperty(hostile, async (h) => {
          await checkRun(c.name, h);
        }),
        { numRuns: 4 },
      );
    }, 180_000);
  }
});

describe.skipIf(missing !== null)('the combined bash script and its undo', () => {
  it('a combination of Windows-only and Linux findings gives a bash script and undo that parse (bash -n)', () => {
    const binding = { binding: '0.0.0.0:443' };
    const mixed = [
      finding('iis.tls13-with-renegotiation', 'TLS 1.3 and renegotiation', 'd', [], { params: binding }),
      finding('log.500-64-before-403-7', '500 then 403.7', 'd', [], { params: binding }),
      finding('iis.ssl-flags-not-requiring-cert', 'sslFlags', 'd', [], { params: { location: 'Default Web Site' } }),
      finding('key.identity-cannot-read', 'key', 'd', [], { params: { keyPath: '/etc/ssl/private/app.key', identity: 'www-data' } }),
      finding('store.non-self-signed-in-root', 'root', 'd', [], { params: { file: '/usr/local/share/ca-certificates/ica.crt' } }),
    ];
    const bash = fixesFor(mixed, ['powershell', 'bash'], META).combined.find((c) => c.shell === 'bash');
    expect(bash).toBeDefined();
    for (const text of [bash!.script, bash!.undo]) {
      const r = spawnSync('bash', ['-n'], { input: text, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
  });

  it('runs every change in order, skips them all the second time, and the undo restores every file in reverse order', () => {
    const names = ['setfacl grant (user)', 'anchor: intermediate from PEM', 'anchor: store.move-non-self-signed', 'apache SSLVerifyClient at vhost level (server.renegotiation-client-cert)', 'nginx ssl_verify_client with the client CA'];
    const h = EVIL[0]!;
    const s = new Scratch();
    try {
      const cases = names.map((n) => fixCases(s.root).find((c) => c.name === n)!);
      for (const c of cases) prepare(c, h, s);
      const { combined } = fixesFor(cases.map((c) => findingFor(c, h)), ['bash'], META);
      expect(combined.map((c) => [c.fileName, c.undoFileName])).toEqual([['certbench-fixes.sh', 'certbench-fixes-undo.sh']]);
      const { script, undo } = combined[0]!;
      for (const text of [script, undo]) expect(spawnSync('bash', ['-n'], { input: text }).status).toBe(0);
      const before = s.snapshot();

      const first = s.run(script);
      expect(first.status, first.stderr).toBe(0);
      const done = [...first.stdout.matchAll(/^\[done\] (\S+)/gm)].map((m) => m[1]);
      expect(done).toEqual(cases.map((c) => c.fixId));
      const runDir = /^Backups of this run: (.*)$/m.exec(first.stdout)![1]!;
      expect(fs.readdirSync(runDir).sort()).toEqual(cases.map((c) => `${c.fixId}-1`).sort());

      const second = s.run(script);
      expect(second.status, second.stderr).toBe(0);
      expect([...second.stdout.matchAll(/^\[skip\] (\S+)/gm)].map((m) => m[1])).toEqual(cases.map((c) => c.fixId));
      expect(second.stdout).toContain('Nothing was changed');

      // Undo with the folder the script printed: reverse order, every file as before.
      const back = s.run(undo, [runDir]);
      expect(back.status, back.stderr).toBe(0);
      expect([...back.stdout.matchAll(/^\[undone\] (\S+)/gm)].map((m) => m[1])).toEqual(cases.map((c) => c.fixId).reverse());
      expect(s.snapshot()).toEqual(before);
      const twice = s.run(undo, [runDir]);
      expect(twice.status, twice.stderr).toBe(0);
      expect([...twice.stdout.matchAll(/^\[skip\] (\S+)/gm)].length).toBe(cases.length);
      expect(s.pwned()).toEqual([]);
    } finally {
      s.remove();
    }
  }, 60_000);

  it('a missing backup folder given to the undo stops it before anything is restored', () => {
    const s = new Scratch();
    try {
      const c = fixCases(s.root).find((x) => x.name === 'chmod restrict')!;
      prepare(c, 'k', s);
      const fix = fixesFor([findingFor(c, 'k')], ['bash'], META).fixes[0]!;
      const r = s.run(fix.undo, [path.join(s.root, 'no-such-folder')]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('FAILED: no backup folder');
    } finally {
      s.remove();
    }
  });
});

describe.skipIf(missing !== null)('what the web server edits write', () => {
  it('Apache: SSLVerifyClient require at <VirtualHost> level, the <Location> one commented out; nginx -t / configtest called', () => {
    const s = new Scratch();
    try {
      const c = fixCases(s.root).find((x) => x.name.startsWith('apache SSLVerifyClient'))!;
      prepare(c, EVIL[1]!, s);
      const fix = fixesFor([findingFor(c, EVIL[1]!)], ['bash'], META).fixes[0]!;
      const r = s.run(fix.script);
      expect(r.status, r.stderr).toBe(0);
      expect(fs.readFileSync(c.params(EVIL[1]!).file!, 'utf8')).toBe(
        `<VirtualHost *:443>\n    # added by certbench apache.verify-client-vhost\n    SSLVerifyClient require\n    ServerName shop.example\n    SSLEngine on\n    SSLCACertificateFile ${path.join(s.root, 'ca', 'clients.pem')}\n    <Location /secure>\n        # SSLVerifyClient require    # disabled by certbench apache.verify-client-vhost\n    </Location>\n</VirtualHost>\n`,
      );
      expect(s.calls().some((x) => x.name === 'apachectl' && x.args.join(' ') === 'configtest')).toBe(true);
      expect(s.calls().some((x) => x.name === 'apachectl' && x.args.join(' ') === 'graceful')).toBe(true);
    } finally {
      s.remove();
    }
  });

  it('nginx: only the issuing CA is sent, the old list still verifies (ssl_trusted_certificate)', () => {
    const s = new Scratch();
    try {
      const c = fixCases(s.root).find((x) => x.fixId === 'nginx.client-ca-issuer-only')!;
      prepare(c, 'Issuing CA 1', s);
      const fix = fixesFor([findingFor(c, 'Issuing CA 1')], ['bash'], META).fixes[0]!;
      const r = s.run(fix.script);
      expect(r.status, r.stderr).toBe(0);
      const caFile = path.join(s.root, 'conf', 'certbench-client-ca-xIssuing-CA-1x.pem');
      expect(fs.readFileSync(caFile, 'utf8')).toBe(caPem('xIssuing CA 1x', 'intermediate'));
      const conf = fs.readFileSync(path.join(s.root, 'conf', 'site.conf'), 'utf8');
      expect(conf).toContain(`    # added by certbench nginx.client-ca-issuer-only\n    ssl_trusted_certificate ${path.join(s.root, 'ca', 'clients.pem')};\n    # added by certbench nginx.client-ca-issuer-only\n    ssl_client_certificate ${caFile};\n`);
      expect(conf).toContain(`    # ssl_client_certificate ${path.join(s.root, 'ca', 'clients.pem')};    # disabled by certbench nginx.client-ca-issuer-only\n`);
      expect(s.calls().some((x) => x.name === 'nginx' && x.args.join(' ') === '-t')).toBe(true);
    } finally {
      s.remove();
    }
  });

  it('two server blocks on the port and no host to tell them apart: the script stops before changing anything', () => {
    const s = new Scratch();
    try {
      const c = fixCases(s.root).find((x) => x.name === 'nginx ssl_verify_client')!;
      const conf = c.params('shop').file!;
      const text = 'server {\n    listen 443 ssl;\n    server_name a.example;\n}\nserver {\n    listen 443 ssl;\n    server_name b.example;\n}\n';
      mkfile(conf, text);
      const fix = fixesFor([findingFor(c, 'shop')], ['bash'], META).fixes[0]!;
      const r = s.run(fix.script);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('certbench: 2 server blocks of this file match port 443 and host xshopx; cannot tell which one to change');
      expect(r.stderr).toContain('FAILED: cannot tell which server block');
      expect(fs.readFileSync(conf, 'utf8')).toBe(text);
      expect(fs.existsSync(path.join(s.root, 'backups'))).toBe(false);
    } finally {
      s.remove();
    }
  });

  it('a configuration the server rejects is put back and the script stops', () => {
    const s = new Scratch();
    try {
      const c = fixCases(s.root).find((x) => x.name === 'nginx ssl_verify_client')!;
      prepare(c, 'shop', s);
      const conf = c.params('shop').file!;
      const original = fs.readFileSync(conf, 'utf8');
      // nginx -t fails this time.
      fs.writeFileSync(path.join(s.bin, 'nginx'), `#!/bin/bash\n${LOG_CALL}\necho 'nginx: [emerg] no ssl_client_certificate' >&2\nexit 1\n`, { mode: 0o755 });
      const fix = fixesFor([findingFor(c, 'shop')], ['bash'], META).fixes[0]!;
      const r = s.run(fix.script);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('FAILED: the server rejected the changed configuration');
      expect(fs.readFileSync(conf, 'utf8')).toBe(original);
      expect(s.calls().some((x) => x.name === 'systemctl' || (x.name === 'nginx' && x.args[0] === '-s'))).toBe(false);
    } finally {
      s.remove();
    }
  });
});

/**
 * The key scripts with the real setfacl, getfacl and runuser (no stubs), on real users: the kernel
 * decides whether the identity can read the key.
 */
const keyTools = requireLinuxKeyTools();
if (keyTools && process.env.CI === 'true') throw new Error(keyTools);

describe.skipIf(keyTools !== null || missing !== null)('key scripts with the real ACL tools and users', () => {
  const accounts = new TestAccounts();
  let tmp: string;
  let dir: string;
  let key: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-fixes-real-'));
    dir = path.join(tmp, "secret $(touch PWNED) 'x'");
    fs.mkdirSync(dir, { mode: 0o700 });
    key = path.join(dir, 'app.key');
    fs.writeFileSync(key, 'PRIVATE KEY\n', { mode: 0o600 });
  });
  afterAll(() => {
    accounts.cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const run = (script: string, args: string[] = []) =>
    spawnSync('bash', ['-c', script, 'fix', ...args], { cwd: tmp, encoding: 'utf8', env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', CERTBENCH_BACKUP_ROOT: path.join(tmp, 'backups'), LC_ALL: 'C.UTF-8' } });

  for (const kind of ['user', 'group'] as const) {
    it(`grants a ${kind} read access (and traverse on the folders), twice is safe, undo restores the ACLs byte for byte`, () => {
      const svc = accounts.user();
      let identity = `user:${svc}`;
      if (kind === 'group') {
        const g = accounts.group();
        accounts.addToGroup(svc, g);
        identity = `group:${g}`;
      }
      const original = getfacl(tmp, dir, key);
      expect(asUser(svc, ['cat', key]).status).not.toBe(0);
      const fix = fixesFor([finding('key.identity-cannot-read', 't', 'd', [], { params: { keyPath: key, identity } })], ['bash'], META).fixes[0]!;
      expect(fix.applyWith).toBe('keys:grant');

      const first = run(fix.script);
      expect(first.status, first.stderr).toBe(0);
      const read = asUser(svc, ['cat', key]);
      expect(read.status, read.stderr).toBe(0);
      expect(read.stdout).toBe('PRIVATE KEY\n');

      const second = run(fix.script);
      expect(second.status, second.stderr).toBe(0);
      expect(second.stdout).toContain('[skip] key.grant-read');
      expect(second.stdout).toContain('Nothing was changed');

      const undo = run(fix.undo);
      expect(undo.status, undo.stderr).toBe(0);
      expect(getfacl(tmp, dir, key)).toBe(original);
      expect(asUser(svc, ['cat', key]).status).not.toBe(0);
      expect(fs.existsSync(path.join(tmp, 'PWNED'))).toBe(false);
    });
  }

  it('restricts a world-readable key without cutting off a named ACL entry, and restores it', () => {
    const svc = accounts.user();
    fs.chmodSync(key, 0o644);
    spawnSync('setfacl', ['-m', `u:${svc}:r`, key]);
    const original = getfacl(key);
    const fix = fixesFor([finding('key.too-open', 't', 'd', [], { params: { keyPath: key } })], ['bash'], META).fixes[0]!;
    const first = run(fix.script);
    expect(first.status, first.stderr).toBe(0);
    expect(getfacl(key)).toMatch(/^other::---$/m);
    expect(getfacl(key)).toMatch(new RegExp(`^user:${svc}:r--$`, 'm'));
    expect(run(fix.script).stdout).toContain('[skip] key.restrict');
    const undo = run(fix.undo);
    expect(undo.status, undo.stderr).toBe(0);
    expect(getfacl(key)).toBe(original);
  });
});
