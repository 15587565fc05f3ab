import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectFileBytes } from '../../shared/cert/inspect';
import { groupHex } from '../../renderer/src/lib/hex';
import { validityWords } from '../../renderer/src/lib/validity';
import { KEY_UNKNOWN_DETAIL, planAnalysis } from '../../renderer/src/ui/certificates/chain-request';
import { matchKeysAcrossFiles } from '../../renderer/src/ui/certificates/key-match';
import type { FileOutcome } from '../../renderer/src/ui/certificates/use-inspect-queue';
import { requireOpenssl, standardPki, type OpensslPki } from '../helpers/openssl-pki';

const DAY = 86_400_000;

describe('validityWords (the card badge line and the timeline)', () => {
  const start = '2026-01-01T00:00:00.000Z';
  const end = '2027-01-01T00:00:00.000Z';
  const at = (iso: string) => new Date(iso);

  it('counts whole days the way people do, with plurals', () => {
    expect(validityWords(start, end, at('2026-12-31T12:00:00Z'))).toMatchObject({ status: 'valid', today: 'expires today', sentence: 'Valid, expires today' });
    expect(validityWords(start, end, at('2026-12-30T12:00:00Z')).today).toBe('1 day left');
    expect(validityWords(start, end, new Date(Date.parse(end) + 35 * DAY + 2 * 3600_000))).toMatchObject({
      status: 'expired',
      position: 1,
      today: 'expired 35 days ago',
      sentence: 'Expired 35 days ago',
    });
    expect(validityWords(start, end, new Date(Date.parse(end) + 3600_000)).today).toBe('expired today');
    expect(validityWords(start, end, new Date(Date.parse(start) - 9 * DAY - 20 * 3600_000))).toMatchObject({
      status: 'not-yet-valid',
      position: 0,
      today: 'starts in 10 days',
    });
    expect(validityWords(start, end, new Date(Date.parse(start) - 60_000)).today).toBe('starts in 1 day');
  });

  it('places today on the span, clamped to 0..1', () => {
    expect(validityWords(start, end, at('2026-07-02T12:00:00Z')).position).toBeCloseTo(0.5, 2);
    // A zero-length span does not divide by zero.
    expect(validityWords(start, start, at(start)).position).toBe(0);
  });
});

describe('groupHex', () => {
  it('groups by four, upper case, ignoring separators', () => {
    expect(groupHex('f1:bc:ff:a6:1c')).toBe('F1BC FFA6 1C');
    expect(groupHex('')).toBe('');
  });
});

describe.skipIf(requireOpenssl() !== null)('chain:analyze request planning and key matching across files', () => {
  let pki: OpensslPki;
  let set: ReturnType<typeof standardPki>;
  const files: Record<string, FileOutcome> = {};
  let n = 0;
  const open = async (name: string, path: string): Promise<FileOutcome> => {
    const r = await inspectFileBytes(name, new Uint8Array(fs.readFileSync(path)), new Date(), 16 * 1024 * 1024);
    return { ...r, key: `k${n++}` };
  };

  beforeAll(async () => {
    set = standardPki();
    pki = set.pki;
    files.client = await open('client.pem', set.client.pemPath);
    files.key = await open('client.key', set.client.keyPath);
    files.intermediate = await open('intermediate.pem', set.intermediate.pemPath);
    files.root = await open('root.pem', set.root.pemPath);
    files.both = await open('chain.pem', pki.write('chain.pem', set.intermediate.certPem + set.root.certPem));
  });
  afterAll(() => pki?.cleanup());

  const thumb = (f: FileOutcome, i = 0) => f.certificates[i]!.thumbprintSha1;

  it('judges end entities; a CA only when its file holds nothing but CAs, and never a self-signed root', () => {
    const plan = planAnalysis([files.client!, files.intermediate!, files.root!, files.both!]);
    expect(plan.request.pool).toHaveLength(5);
    expect(plan.request.pool.map((p) => p.source)).toEqual(['client.pem', 'intermediate.pem', 'root.pem', 'chain.pem', 'chain.pem']);
    expect(plan.request.pool.every((p) => p.trusted === false)).toBe(true);
    expect(plan.request.useSystemTrust).toBe(true);
    // The intermediate is a target once (it is in two files); the root never.
    expect(plan.request.targets.map((t) => t.thumbprint)).toEqual([thumb(files.client!), thumb(files.intermediate!)]);
    expect(plan.request.targets[0]!.key).toEqual({ status: 'unknown', detail: KEY_UNKNOWN_DETAIL });
  });

  it('matches a key opened in its own file to its certificate, and says where it was found', () => {
    // The service matched within one request only: the key file alone matches nothing.
    expect(files.key!.keys[0]!.matchesCertificate).toBeNull();
    const matched = matchKeysAcrossFiles([files.client!, files.key!]);
    expect(matched[0]).toBe(files.client); // untouched files stay the same objects
    expect(matched[1]!.keys[0]!.matchesCertificate).toBe(thumb(files.client!));
    const plan = planAnalysis(matched);
    expect(plan.request.targets).toEqual([{ thumbprint: thumb(files.client!), key: { status: 'present', detail: 'private key found in client.key' } }]);
  });

  it('changes its signature when what is opened changes, not otherwise', () => {
    const a = planAnalysis([files.client!]);
    expect(planAnalysis([{ ...files.client! }]).signature).toBe(a.signature);
    expect(planAnalysis([files.client!, files.root!]).signature).not.toBe(a.signature);
    expect(planAnalysis(matchKeysAcrossFiles([files.client!, files.key!])).signature).not.toBe(planAnalysis([files.client!]).signature);
  });
});
