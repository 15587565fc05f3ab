import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../helpers/services';
import { readContainer } from '../../shared/cert/containers';
import { summarizeCertificate } from '../../shared/cert/summarize';
import { ServerEvidenceSchema } from '../../shared/model/server';
import { caPem } from '../helpers/fix-cases';
import { fixture } from '../fixtures/windows/load';

/**
 * The server's stores attached by path: a Root store export as Windows PowerShell's `>`
 * writes it (UTF-16LE with a BOM, under a name that says nothing), read by the real server:analyze and
 * carried through Diagnose as server findings (area "server", never this machine's stores) with the
 * move script written for the server's thumbprint.
 */
const ctx = () => ({ progress: () => undefined, signal: new AbortController().signal });
const services = testServices();
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-server-stores-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function exportRow(pem: string) {
  const der = (await readContainer('t.pem', new TextEncoder().encode(pem), { maxBytes: 100_000 })).certificates[0]!;
  const s = await summarizeCertificate('t', der, new Date());
  return { Store: 'LocalMachine\\Root', Thumbprint: s.thumbprintSha1, RawData: Buffer.from(der).toString('base64') };
}

describe("the server's stores attached by path", () => {
  it('reads a UTF-16LE JSON export and a certutil text, and Diagnose keeps them as the server\'s with the fix script', async () => {
    const root = await exportRow(caPem('Contoso Root CA', 'root'));
    const intermediate = await exportRow(caPem('Contoso Issuing CA 1', 'intermediate'));
    const json = path.join(dir, 'export.dat');
    fs.writeFileSync(json, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify([root, intermediate]), 'utf16le')]));
    const text = path.join(dir, 'root.txt');
    fs.writeFileSync(text, fixture('certutil-store-root-en.txt'));

    const r = ServerEvidenceSchema.parse(await services.server({ attachments: [{ name: 'export.dat', path: json }, { name: 'root.txt', path: text }], live: false }, ctx()));
    expect(r.origin).toBe('files');
    expect(r.inputs.map((i) => [i.name, i.kind, i.error])).toEqual([
      ['export.dat', 'store-export', null],
      ['root.txt', 'store-export', null],
    ]);
    // The same store from two files stays two stores; the certutil one has a count but no certificates.
    expect(r.stores.map((s) => [s.id, s.certificateCount])).toEqual([
      ['server:LocalMachine\\Root', 2],
      ['server:LocalMachine\\Root#2', 4],
    ]);
    expect(r.storeCertificates.map((c) => c.summary.thumbprintSha1)).toEqual([root.Thumbprint, intermediate.Thumbprint]);
    const nonSelf = r.findings.filter((f) => f.id === 'store.non-self-signed-in-root');
    expect(nonSelf.map((f) => f.evidence[0]!.text)).toEqual([
      `CN=Contoso Issuing CA 1 (${intermediate.Thumbprint}) on the server (export.dat)`,
      'CN=CVI Issuing CA 1, DC=corp, DC=cvilab, DC=local (9DDB6E9C7B19D0C0707F281C0FC8732F44D95296) on the server (root.txt)',
    ]);
    expect(nonSelf.every((f) => f.params?.store === 'LocalMachine\\Root')).toBe(true);
    expect(r.notes.join('\n')).toMatch(/root\.txt: certutil -store Root text, 4 certificate\(s\)/);

    process.env.CERTBENCH_DATA_DIR = path.join(dir, 'data');
    try {
      const report = await services.diagnose({ attachments: [{ name: 'export.dat', path: json }], live: false, timeoutMs: 15_000 }, ctx());
      const found = report.findings.find((f) => f.id === 'store.non-self-signed-in-root' && f.params?.thumbprints === intermediate.Thumbprint);
      expect(found?.area).toBe('server');
      expect(found?.title).toMatch(/server's trusted root store/);
      expect(found?.fixes).toContain('store.move-non-self-signed');
      const script = report.fixes.find((f) => f.id === 'store.move-non-self-signed' && f.script.includes(intermediate.Thumbprint));
      expect(script?.shell).toBe('powershell');
    } finally {
      delete process.env.CERTBENCH_DATA_DIR;
    }
  }, 60_000);
});
