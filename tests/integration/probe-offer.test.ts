import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { summarizeCertificate } from '../../shared/cert/summarize';
import { decideOffers, normalizeDn, offerSummary } from '../../shared/probe/offer';
import type { CertificateRequestInfo } from '../../shared/model/probe';
import { requireOpenssl, standardPki } from '../helpers/openssl-pki';

const missing = requireOpenssl();
if (missing && process.env.CI === 'true') throw new Error(missing);
const at = new Date();

describe.skipIf(missing !== null)('which local certificates a browser would offer', () => {
  let s: ReturnType<typeof standardPki>;
  beforeAll(() => {
    s = standardPki();
  });
  afterAll(() => s.pki.cleanup());
  const summary = (p: string) => summarizeCertificate(p, new Uint8Array(fs.readFileSync(p)), at);
  const request = (caNames: string[]): CertificateRequestInfo => ({
    caNames,
    caNamesBytes: 0,
    messageBytes: 0,
    records: 1,
    signatureAlgorithms: [],
    certificateTypes: [],
    carriedBy: 'handshake',
  });
  const present = { status: 'present' as const, detail: '' };
  const ROOT = 'CN=Certbench Test Root,O=Certbench Test,C=US';
  const ISSUING = 'CN=Certbench Test Issuing CA,O=Certbench Test,C=US';

  it('offers a certificate whose root (up its chain) is named, and says which name matched', async () => {
    const [d] = decideOffers(request(['CN=Other CA', 'cn=certbench test root, o=Certbench Test, c=US']), [{ summary: await summary(s.client.derPath), source: 'My', key: present, issuers: [ISSUING, ROOT] }], at);
    expect(d).toMatchObject({ wouldOffer: true, matchedCa: 'cn=certbench test root, o=Certbench Test, c=US', reasons: [] });
  });

  it('gives every reason a certificate would not be offered', async () => {
    const decisions = decideOffers(
      request(['CN=Other CA']),
      [
        { summary: await summary(s.serverOnly.derPath), source: 'My', key: { status: 'missing', detail: '' }, issuers: [ISSUING] },
        { summary: await summary(s.expired.derPath), source: 'My', key: present, issuers: [] },
      ],
      at,
    );
    expect(decisions[0]!.reasons).toEqual([
      'its Enhanced Key Usage (Server Authentication) does not include Client Authentication',
      'it has no private key',
      `none of its issuers (${ISSUING}) is among the 1 CA name(s) the server sent`,
    ]);
    expect(decisions[1]!.reasons[0]).toMatch(/^it expired on \d{4}-\d\d-\d\d$/);
    expect(offerSummary(request(['CN=Other CA']), decisions)).toBe('The server named 1 CA(s); 0 of 2 local certificate(s) would be offered.');
  });

  it('an empty CA list lets any usable certificate through', async () => {
    const [d] = decideOffers(request([]), [{ summary: await summary(s.client.derPath), source: 'My', key: present, issuers: [] }], at);
    expect(d!.wouldOffer).toBe(true);
    expect(d!.matchedCa).toBeNull();
  });

  it('compares names caselessly and ignores spaces around separators', () => {
    expect(normalizeDn('CN = Contoso CA, O=Contoso\\, Ltd')).toBe(normalizeDn('cn=contoso ca,o=contoso\\, ltd'));
  });
});
