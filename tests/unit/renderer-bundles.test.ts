import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { zipSync, unzipSync, strToU8, strFromU8 } from 'fflate';
import { MAX_INPUT_FILE_BYTES } from '../../shared/contract';
import { REDACTION_KINDS } from '../../shared/model/bundle';
import { base64ToBytes, bundleFileProblem, zipBlob } from '../../renderer/src/ui/bundles/bundle-bytes';
import {
  REDACTION_OPTIONS,
  clip,
  collectNowRequest,
  count,
  exportProgress,
  stageWords,
  lastDiagnosisWords,
  openErrorLine,
  osWords,
  redactionWords,
} from '../../renderer/src/ui/bundles/bundle-words';

/** The Bundles page's pure helpers: the zip the user downloads, and the words around an export and an open. */

describe('base64ToBytes', () => {
  it('gives back exactly the bytes Node encoded, at every slice size', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 300 }), (bytes, k) => {
        expect(Array.from(base64ToBytes(Buffer.from(bytes).toString('base64'), k * 4))).toEqual(Array.from(bytes));
      }),
    );
  });

  it('accepts wrapped base64 and refuses anything else instead of saving a damaged zip', () => {
    const wrapped = Buffer.from('certbench bundle').toString('base64').replace(/(.{8})/g, '$1\n');
    expect(new TextDecoder().decode(base64ToBytes(wrapped))).toBe('certbench bundle');
    expect(() => base64ToBytes('UEsD*AA=')).toThrow(/position 4/);
    expect(() => base64ToBytes('UEsDB')).toThrow(/multiple of 4/);
  });
});

describe('zipBlob', () => {
  it('is the same zip the service sent: it unzips to the same manifest', async () => {
    const manifest = JSON.stringify({ format: 'certbench-bundle', formatVersion: 1 });
    const zip = zipSync({ 'manifest.json': strToU8(manifest), 'report.json': strToU8('{}') });
    const blob = zipBlob(Buffer.from(zip).toString('base64'));
    expect(blob.type).toBe('application/zip');
    expect(blob.size).toBe(zip.length);
    const back = unzipSync(new Uint8Array(await blob.arrayBuffer()));
    expect(strFromU8(back['manifest.json']!)).toBe(manifest);
  });
});

describe('bundleFileProblem', () => {
  it('refuses a file over 16 MB in one line that names it and both sizes', () => {
    const line = bundleFileProblem({ name: 'capture.zip', size: MAX_INPUT_FILE_BYTES + 1 });
    expect(line).toMatch(/^capture\.zip is 16\.0 MB; a bundle opened here is at most 16 MB\.$/);
    expect(bundleFileProblem({ name: 'big.zip', size: 40 * 1024 * 1024 })).toContain('40 MB');
  });

  it('lets a bundle of exactly 16 MB through and refuses an empty file', () => {
    expect(bundleFileProblem({ name: 'b.zip', size: MAX_INPUT_FILE_BYTES })).toBeNull();
    expect(bundleFileProblem({ name: 'b.zip', size: 2048 })).toBeNull();
    expect(bundleFileProblem({ name: 'empty.zip', size: 0 })).toMatch(/empty/);
  });
});

describe('redaction options', () => {
  it('offers every redaction kind the contract knows, each with an example that shows the stand-in', () => {
    expect(REDACTION_OPTIONS.map((o) => o.kind).sort()).toEqual([...REDACTION_KINDS].sort());
    for (const o of REDACTION_OPTIONS) expect(o.example).toContain('→');
    expect(REDACTION_OPTIONS.find((o) => o.kind === 'subjects')!.example).toMatch(/certificate files are left out/);
  });

  it('says the redactions of a manifest in words', () => {
    expect(redactionWords([])).toBe('nothing');
    expect(redactionWords(['ips'])).toBe('IP addresses');
    expect(redactionWords(['hosts', 'accounts', 'ips'])).toBe('host names, user and account names and IP addresses');
    expect(redactionWords(['hosts', 'future-kind'])).toBe('host names and future-kind');
  });
});

describe('collectNowRequest', () => {
  it('leaves empty fields out and always reads the live configuration', () => {
    expect(collectNowRequest({ url: '  ', identity: '' })).toEqual({ live: true });
  });

  it('gives a bare host https:// as the Probe page does and trims the identity', () => {
    expect(collectNowRequest({ url: 'shop.contoso.com/secure/', identity: ' IIS AppPool\\Shop ' })).toEqual({
      url: 'https://shop.contoso.com/secure/',
      identity: 'IIS AppPool\\Shop',
      live: true,
    });
    expect(collectNowRequest({ url: 'https://127.0.0.1:8443/', identity: '' }).url).toBe('https://127.0.0.1:8443/');
  });
});

describe('exportProgress', () => {
  it('numbers the stages when the service says how many there are', () => {
    const { progress, indeterminate } = exportProgress({ done: 1, total: 4, label: 'stores' });
    expect(indeterminate).toBe(false);
    expect(progress.label).toBe("Step 2 of 4: Listing this machine's certificate stores");
    expect(progress.fraction).toBe(0.25);
  });

  it('drops the step number once everything is done, and never passes 100%', () => {
    expect(exportProgress({ done: 4, total: 4, label: 'Bundle written' }).progress).toMatchObject({ label: 'Bundle written', fraction: 1 });
    expect(exportProgress({ done: 9, total: 4, label: 'x' }).progress.fraction).toBe(1);
  });

  it('is indeterminate when the total is unknown, with a label even when the service gives none', () => {
    const r = exportProgress({ done: 3, total: null, label: '  ' });
    expect(r.indeterminate).toBe(true);
    expect(r.progress.label).toBe('Collecting');
  });
});

describe('stageWords', () => {
  it("says the export service's stage codes in words, keeping the detail after them", () => {
    expect(stageWords('scan')).toBe('Checking that no private key went in');
    expect(stageWords('diagnosing: probe of the server')).toBe('Diagnosing: probe of the server');
    expect(stageWords('stores: reading /etc/ssl/certs')).toBe("Listing this machine's certificate stores: reading /etc/ssl/certs");
  });

  it('capitalises a stage it does not know rather than hiding it', () => {
    expect(stageWords('signing the bundle')).toBe('Signing the bundle');
    expect(stageWords('')).toBe('Collecting');
  });
});

describe('the words around a bundle', () => {
  it('names the last diagnosis by its summary and time, clipped to one line', () => {
    const long = 'The server asks for a certificate only by renegotiation after the request, and TLS 1.3 is on. '.repeat(3);
    const line = lastDiagnosisWords({ summary: long, createdAt: '2025-03-01T10:00:00Z' }, () => '1 Mar 2025, 10:00 UTC');
    expect(line.startsWith('The last diagnosis (The server asks')).toBe(true);
    expect(line.endsWith('…, 1 Mar 2025, 10:00 UTC)')).toBe(true);
    expect(line.length).toBeLessThan(200);
    expect(clip('short\n  text')).toBe('short text');
    // Cut at a word, never mid-word, and without a dangling full stop before the ellipsis.
    expect(clip('The server asks. For a certificate', 20)).toBe('The server asks…');
    expect(clip('Averyveryverylongwordwithoutspaces', 10)).toBe('Averyvery…');
  });

  it('says an open refusal in one line that names the file once', () => {
    expect(openErrorLine('b.zip', 'This bundle was written by a newer Certbench (format 99)')).toBe(
      'Cannot open b.zip: this bundle was written by a newer Certbench (format 99)',
    );
    expect(openErrorLine('b.zip', 'b.zip: truncated\nzip')).toBe('b.zip: truncated zip');
    expect(openErrorLine('b.zip', '')).toBe('Cannot open b.zip: the service gave no reason');
  });

  it('names operating systems as people do', () => {
    expect(osWords({ platform: 'win32', release: '10.0.20348' })).toBe('Windows 10.0.20348');
    expect(osWords({ platform: 'linux', release: '' })).toBe('Linux');
    expect(osWords({ platform: 'sunos', release: '5.11' })).toBe('sunos 5.11');
  });

  it('counts with the right noun', () => {
    expect(count(1, 'command')).toBe('1 command');
    expect(count(2000, 'command')).toBe('2,000 commands');
    expect(count(0, 'finding')).toBe('0 findings');
  });
});
