import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../helpers/services';
import { analyzeServer } from '../../electron/services/server/analyze';
import { ServerEvidenceSchema } from '../../shared/model/server';
import { FakeRunner } from '../helpers/fake-runner';
import { fixture } from '../fixtures/windows/load';

/**
 * `server:analyze` on real files: evidence attached by path (streamed) and by content,
 * recognised by what is in it whatever its name, in the encodings Windows writes (UTF-16LE with BOM,
 * CRLF), one bad file never stopping the others, and the live collection on a (recorded) Windows.
 */
const ctx = () => ({ progress: () => undefined, signal: new AbortController().signal });
const services = testServices();
let dir: string;

/** A fixture as the user would have it: without the fixture's header, optionally as regedit writes it. */
function write(name: string, fixtureName: string, encoding: 'utf8' | 'utf16le-bom' = 'utf8'): string {
  // W3C logs start with their own "#" directives: keep those, drop only the fixture's note ("# CONSTRUCTED ...").
  const text = fixtureName.startsWith('w3c-')
    ? fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'windows', fixtureName), 'utf8').replace(/^# (?:CONSTRUCTED|VERBATIM)[^\n]*\n/, '')
    : fixture(fixtureName);
  const file = path.join(dir, name);
  if (encoding === 'utf16le-bom') fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf16le')]));
  else fs.writeFileSync(file, text);
  return file;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-server-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('server evidence from attached files', () => {
  it('recognises every kind by content (misleading names included) and raises the iis, schannel and log findings', async () => {
    const files = [
      write('evidence-1.txt', 'applicationhost-two-sites.config'),
      write('bindings.log', 'netsh-sslcert-full.txt'),
      write('export.dat', 'registry-http-schannel.reg.txt', 'utf16le-bom'),
      write('system.csv', 'events-eventviewer.csv'),
      write('u_ex261117.log', 'w3c-custom-order-sitename.txt'),
      write('web.config', 'web-config-wcf-anonymous-off.config'),
    ];
    const r = ServerEvidenceSchema.parse(await services.server({ attachments: files.map((p) => ({ name: path.basename(p), path: p })), live: false }, ctx()));
    expect(r.origin).toBe('files');
    expect(r.inputs.map((i) => [i.name, i.kind, i.error])).toEqual([
      ['evidence-1.txt', 'iis-config', null],
      ['bindings.log', 'netsh-sslcert', null],
      ['export.dat', 'registry-export', null],
      ['system.csv', 'schannel-events', null],
      ['u_ex261117.log', 'w3c-log', null],
      ['web.config', 'iis-config', null],
    ]);
    const ids = new Set(r.findings.map((f) => f.id));
    for (const id of ['iis.mapping-at-application-level', 'iis.anonymous-needed-for-wcf', 'iis.client-cert-negotiation-off', 'iis.tls13-with-renegotiation', 'schannel.trusted-issuer-list-off', 'log.500-64-before-403-7', 'http.403.7'] as const) {
      expect(ids, id).toContain(id);
    }
    const tls13 = r.findings.find((f) => f.id === 'iis.tls13-with-renegotiation')!;
    expect(tls13.params).toMatchObject({ bindingKind: 'ipport' });
    expect(tls13.evidence.some((e) => /sslFlags=".*SslNegotiateCert/.test(e.text))).toBe(true);
    expect(r.schannel?.impliedIssuerList).toMatch(/CA/);
    expect(r.logs[0]!.pattern500Then4037.length).toBeGreaterThan(0);
  });

  it('takes content uploads like paths, and says per file what could not be used without stopping', async () => {
    const netsh = fixture('netsh-sslcert-full.txt');
    const r = await services.server(
      {
        attachments: [
          { name: 'notes.txt', bytes: new Uint8Array(Buffer.from('just some notes, nothing from a server\n')) },
          { name: 'netsh.txt', bytes: new Uint8Array(Buffer.from(netsh)) },
          { name: 'missing.config', path: path.join(dir, 'nope.config') },
          { name: 'a-folder', path: dir },
          { name: 'broken.config', bytes: new Uint8Array(Buffer.from('<?xml version="1.0"?>\n<configuration>\n<system.webServer>\n<security><access sslFlags="Ssl"')) },
        ],
        live: false,
      },
      ctx(),
    );
    const byName = Object.fromEntries(r.inputs.map((i) => [i.name, i]));
    expect(byName['notes.txt']!.error).toMatch(/^notes\.txt: not recognised: attach netsh http show sslcert output/);
    expect(byName['netsh.txt']).toMatchObject({ kind: 'netsh-sslcert', error: null });
    expect(byName['missing.config']!.error).toMatch(/no such file/);
    expect(byName['a-folder']!.error).toMatch(/is a directory/);
    expect(byName['broken.config']!.error).toMatch(/broken\.config/);
    for (const i of r.inputs) if (i.error) expect(i.error.split('\n')).toHaveLength(1);
    expect(r.bindings.length).toBeGreaterThan(0);
  });

  it('takes the server evidence out of an attached bundle (a helpdesk bundle plus the logs sent later)', async () => {
    const data = path.join(dir, 'data');
    process.env.CERTBENCH_DATA_DIR = data;
    try {
      const netsh = write('sslcert.txt', 'netsh-sslcert-full.txt');
      const report = await services.diagnose({ attachments: [{ name: 'sslcert.txt', path: netsh }], live: false, timeoutMs: 15_000 }, ctx());
      const out = path.join(dir, 'helpdesk.zip');
      await services.bundles.export({ report, redact: [], includeStores: false, out }, ctx());
      const log = write('u_ex261117.log', 'w3c-custom-order-sitename.txt');
      const r = await services.server({ attachments: [{ name: 'from-helpdesk.dat', path: out }, { name: 'u_ex261117.log', path: log }], live: false }, ctx());
      expect(r.inputs.map((i) => [i.name, i.kind, i.error])).toEqual([
        ['from-helpdesk.dat', 'bundle', null],
        ['u_ex261117.log', 'w3c-log', null],
      ]);
      expect(r.bindings.map((b) => b.key)).toEqual(report.server.bindings.map((b) => b.key));
      expect(r.bindings[0]!.source).toBe('sslcert.txt');
      expect(r.notes.join('\n')).toMatch(/from-helpdesk\.dat: a bundle from .*its server evidence was added: 1 binding\(s\)/);
      // Evidence from both: the binding from the bundle, the 500-then-403.7 from the log.
      expect(r.findings.map((f) => f.id)).toEqual(expect.arrayContaining(['iis.client-cert-negotiation-off', 'log.500-64-before-403-7']));
    } finally {
      delete process.env.CERTBENCH_DATA_DIR;
    }
  }, 30_000);

  it('says that live reading needs Windows on this machine', async () => {
    const r = await analyzeServer({ attachments: [], live: true }, ctx(), { runner: services.deps.runner, env: process.env, platform: 'linux' });
    expect(r.origin).toBe('none');
    expect(r.notes.join('\n')).toMatch(/read live on Windows only/);
  });

  it('reads a (recorded) Windows machine: registry bindings and Schannel through PowerShell JSON, with what needed elevation', async () => {
    const runner = new FakeRunner()
      .on('powershell.exe', (args) => args.includes('-EncodedCommand') && Buffer.from(args.at(-1)!, 'base64').toString('utf16le').includes('SslBindingInfo'), { stdout: fixture('live-bindings.json') })
      .on('powershell.exe', (args) => args.includes('-EncodedCommand') && Buffer.from(args.at(-1)!, 'base64').toString('utf16le').includes('SecurityProviders'), { stdout: fixture('live-schannel.json') })
      .on('powershell.exe', () => true, { stdout: fixture('live-events-denied.json') });
    const r = await analyzeServer({ attachments: [], live: true }, ctx(), { runner, env: { windir: path.join(dir, 'no-windows'), SystemDrive: path.join(dir, 'no-drive') }, platform: 'win32' });
    expect(r.origin).toBe('live');
    expect(r.bindings.length).toBeGreaterThan(0);
    expect(r.schannel).not.toBeNull();
    expect(r.notes.join('\n')).toMatch(/elevated/);
    // applicationHost.config is not there: a note, not a failure.
    expect(r.notes.join('\n')).toMatch(/applicationHost\.config/);
    expect(runner.unmatched).toEqual([]);
  });
});
