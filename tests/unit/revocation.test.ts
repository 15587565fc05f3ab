import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import crypto from 'node:crypto';
import { issueCertificate, type LabCertificate } from '../../electron/services/lab/pki';
import { buildCrl, buildOcspResponse, requestedCertIds, type OcspAnswer } from '../../electron/services/lab/revocation-pki';
import '../../electron/services/node-verify';
import { parseX509 } from '../../shared/cert/x509';
import { checkLink, type FetchResult, type RevocationFetcher } from '../../shared/revocation/check';
import { parseCrl } from '../../shared/revocation/crl';
import { revocationFindings } from '../../shared/revocation/findings';
import { buildOcspRequest, parseOcspResponse } from '../../shared/revocation/ocsp';
import { RevocationParseError } from '../../shared/revocation/pkix';
import * as pkijs from 'pkijs';
import { concat } from '../../shared/asn1/bytes';
import { encode, encodeBitString, encodeOid, encodeUnsigned, seq } from '../../shared/asn1/encode';

const at = new Date();
const hour = 3_600_000;
const root = issueCertificate({ subject: [['CN', 'Revocation Test Root']], ca: true });
const ca = issueCertificate({ subject: [['CN', 'Revocation Test CA']], ca: true, issuer: root });
const other = issueCertificate({ subject: [['CN', 'Another CA']], ca: true });
const leaf = (opts: { crl?: string[]; ocsp?: string[]; serial?: Buffer } = {}): LabCertificate =>
  issueCertificate({ subject: [['CN', 'alice']], issuer: ca, eku: ['clientAuth'], crlUrls: opts.crl, ocspUrls: opts.ocsp, serial: opts.serial });

/** A fetcher answering from a table, recording what was asked. */
function table(answers: Record<string, (body?: Uint8Array) => FetchResult>): RevocationFetcher & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    fetch: async ({ url, body }) => {
      asked.push(url);
      const a = answers[url];
      return a ? a(body) : { ok: false, failure: 'connect', detail: 'connection refused', bytes: null, durationMs: 1 };
    },
  };
}
const bytes = (b: Buffer): FetchResult => ({ ok: true, bytes: new Uint8Array(b), durationMs: 2 });
const crlOf = (entries: { serial: Buffer; reason?: number }[], window = { thisUpdate: new Date(at.getTime() - hour), nextUpdate: new Date(at.getTime() + 24 * hour) }, issuer = ca) =>
  buildCrl({ issuer, entries: entries.map((e) => ({ ...e, revokedAt: new Date('2026-11-30T14:02:00Z') })), ...window });
const ocspOf = (answer: OcspAnswer, signer?: LabCertificate) => (body?: Uint8Array) =>
  bytes(buildOcspResponse({ ca, signer, answers: requestedCertIds(body!).map((certId) => ({ certId, answer })), thisUpdate: new Date(at.getTime() - hour), nextUpdate: new Date(at.getTime() + hour) }));
const link = (c: LabCertificate) => ({ der: new Uint8Array(c.der), role: 'leaf' as const, issuerDer: new Uint8Array(ca.der) });

describe('CRL and OCSP parsing (pkijs)', () => {
  it('reads a CRL: issuer, window, number, entries with reason', () => {
    const serial = Buffer.from('0A0B0C', 'hex');
    const crl = parseCrl(new Uint8Array(crlOf([{ serial, reason: 1 }])));
    expect(crl.crlNumber).toBe('01');
    expect(crl.entries.get('0A0B0C')).toEqual({ revokedAt: new Date('2026-11-30T14:02:00Z'), reasonCode: 1 });
    expect(crl.nextUpdate!.getTime()).toBeGreaterThan(at.getTime());
    expect(crl.deltaBase).toBeNull();
  });

  it('reads what PKI.js reads (issuer, window, entries, reasons) on the CRLs PKI.js can read', () => {
    const entries = Array.from({ length: 50 }, (_, i) => ({ serial: Buffer.from([0x10, i, 0xff]), reason: i % 11 === 7 ? undefined : i % 11 }));
    const der = new Uint8Array(crlOf(entries));
    const ours = parseCrl(der);
    const theirs = pkijs.CertificateRevocationList.fromBER(der);
    expect(ours.thisUpdate).toEqual(theirs.thisUpdate.value);
    expect(ours.nextUpdate).toEqual(theirs.nextUpdate!.value);
    expect(Buffer.from(ours.issuer)).toEqual(Buffer.from(theirs.issuer.toSchema().toBER(false)));
    expect(ours.entries.size).toBe(theirs.revokedCertificates!.length);
    for (const e of theirs.revokedCertificates!) {
      const serial = Buffer.from(e.userCertificate.valueBlock.valueHexView).toString('hex').toUpperCase();
      const reasonExt = e.crlEntryExtensions?.extensions.find((x) => x.extnID === '2.5.29.21');
      const reason = reasonExt ? (reasonExt.parsedValue as { valueBlock: { valueDec: number } }).valueBlock.valueDec : null;
      expect(ours.entries.get(serial)).toEqual({ revokedAt: e.revocationDate.value, reasonCode: reason });
    }
  });

  it('reads a CRL of 20,000 entries, which PKI.js refuses (asn1js node limit)', () => {
    const t = (d: Date) => encode(0x17, new TextEncoder().encode(`${d.toISOString().replace(/[-:T]/g, '').slice(2, 14)}Z`));
    const list = Array.from({ length: 20_000 }, (_, i) => seq(encodeUnsigned(Uint8Array.of(0x20, i >> 8, i & 0xff)), t(at)));
    const alg = seq(encodeOid('1.2.840.10045.4.3.2'));
    const tbs = seq(encode(0x02, Uint8Array.of(1)), alg, new Uint8Array(ca.nameDer), t(at), t(new Date(at.getTime() + hour)), encode(0x30, concat(list)));
    const der = seq(tbs, alg, encodeBitString(crypto.sign('sha256', tbs, ca.key)));
    expect(() => pkijs.CertificateRevocationList.fromBER(new Uint8Array(der))).toThrow();
    const crl = parseCrl(der);
    expect(crl.entries.size).toBe(20_000);
    expect(crl.entries.get('204E1F')).toEqual({ revokedAt: new Date(Math.floor(at.getTime() / 1000) * 1000), reasonCode: null });
    expect(crl.entries.get('7FFFFF')).toBeUndefined();
  });

  it('reads a delta CRL indicator and an issuing distribution point', () => {
    const crl = parseCrl(new Uint8Array(buildCrl({ issuer: ca, thisUpdate: at, nextUpdate: null, deltaBase: 7, crlNumber: 8, idpUrl: 'http://x/d.crl' })));
    expect(crl.deltaBase).toBe('07');
    expect(crl.scope?.urls).toEqual(['http://x/d.crl']);
  });

  it('builds an OCSP request a responder can read, and reads each answer kind', () => {
    const c = leaf();
    const req = buildOcspRequest(parseX509(c.der), parseX509(ca.der));
    const ids = requestedCertIds(req);
    expect(ids).toHaveLength(1);
    const revoked = parseOcspResponse(new Uint8Array(buildOcspResponse({ ca, answers: [{ certId: ids[0]!, answer: { status: 'revoked', revokedAt: new Date('2026-11-30T14:02:00Z'), reason: 1 } }], thisUpdate: at, nextUpdate: null })));
    expect(revoked.responses[0]).toMatchObject({ status: 'revoked', reasonCode: 1, serial: serialOf(c).toString('hex').toUpperCase() });
    const tryLater = parseOcspResponse(new Uint8Array(buildOcspResponse({ ca, answers: [], thisUpdate: at, nextUpdate: null, responseStatus: 3 })));
    expect(tryLater.responseStatus).toBe(3);
  });

  it('refuses hostile bytes with one line and never throws anything else', () => {
    const valid = new Uint8Array(crlOf([{ serial: Buffer.from('01', 'hex') }]));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), (random, at2, value) => {
        const mutated = valid.slice();
        mutated[at2] = value;
        for (const input of [random, mutated]) {
          for (const parse of [parseCrl, parseOcspResponse]) {
            try {
              parse(input);
            } catch (err) {
              expect(err).toBeInstanceOf(RevocationParseError);
              expect((err as Error).message).not.toContain('\n');
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('one link, the way Windows orders it', () => {
  it('says revoked with the date and reason per CRL', async () => {
    const c = leaf({ crl: ['http://h/ca.crl'] });
    const r = await checkLink(link(c), at, table({ 'http://h/ca.crl': () => bytes(crlOf([{ serial: serialOf(c), reason: 1 }])) }));
    expect(r.status).toBe('revoked');
    expect(r.text).toBe('revoked on 2026-11-30 14:02 UTC (keyCompromise) per CRL http://h/ca.crl');
  });

  it('asks OCSP first, and a good OCSP answer settles the link without the CRL', async () => {
    const c = leaf({ crl: ['http://h/ca.crl'], ocsp: ['http://h/ocsp'] });
    const f = table({ 'http://h/ocsp': ocspOf({ status: 'good' }) });
    const r = await checkLink(link(c), at, f);
    expect(r.status).toBe('good');
    expect(f.asked).toEqual(['http://h/ocsp']);
    expect(r.text).toBe('good per OCSP http://h/ocsp');
  });

  it('falls back to the CRL when OCSP fails, and lists both sources', async () => {
    const c = leaf({ crl: ['http://h/ca.crl'], ocsp: ['http://h/ocsp'] });
    const r = await checkLink(link(c), at, table({ 'http://h/ca.crl': () => bytes(crlOf([])) }));
    expect(r.status).toBe('good');
    expect(r.sources.map((s) => [s.method, s.outcome, s.failure])).toEqual([['ocsp', 'failed', 'connect'], ['crl', 'good', null]]);
  });

  it('accepts a delegated responder with id-kp-OCSPSigning only', async () => {
    const c = leaf({ ocsp: ['http://h/ocsp'] });
    const responder = issueCertificate({ subject: [['CN', 'OCSP responder']], issuer: ca, eku: ['clientAuth'] });
    const r = await checkLink(link(c), at, table({ 'http://h/ocsp': ocspOf({ status: 'good' }, responder) }));
    expect(r.status).toBe('could-not-check');
    expect(r.text).toContain('lacks the OCSP Signing purpose');
  });

  it('believes a delegated responder the CA issued for OCSP Signing (RFC 6960 4.2.2.2), and not one another CA issued', async () => {
    const c = leaf({ ocsp: ['http://h/ocsp'] });
    const responder = issueCertificate({ subject: [['CN', 'OCSP responder']], issuer: ca, eku: ['ocspSigning'] });
    const r = await checkLink(link(c), at, table({ 'http://h/ocsp': ocspOf({ status: 'revoked', revokedAt: at, reason: 4 }, responder) }));
    expect(r.status).toBe('revoked');
    expect(r.sources[0]!.detail).toContain('signed by delegated responder "CN=OCSP responder"');
    const stranger = issueCertificate({ subject: [['CN', 'OCSP responder']], issuer: other, eku: ['ocspSigning'] });
    const refused = await checkLink(link(c), at, table({ 'http://h/ocsp': ocspOf({ status: 'good' }, stranger) }));
    expect(refused.status).toBe('could-not-check');
    expect(refused.text).toContain('is not issued by the CA');
  });

  it('refuses a CRL from another CA, a stale CRL, and a CRL signed by another key', async () => {
    const c = leaf({ crl: ['http://h/ca.crl'] });
    const wrong = await checkLink(link(c), at, table({ 'http://h/ca.crl': () => bytes(crlOf([], undefined, other)) }));
    expect(wrong.sources[0]!.failure).toBe('wrong-issuer');
    const stale = await checkLink(link(c), at, table({ 'http://h/ca.crl': () => bytes(crlOf([], { thisUpdate: new Date(at.getTime() - 240 * hour), nextUpdate: new Date(at.getTime() - 72 * hour) })) }));
    expect(stale.sources[0]!.failure).toBe('stale');
    expect(revocationFindings([{ subject: 'CN=alice', thumbprintSha1: 'AA', role: 'leaf', revocation: stale }]).map((f) => f.id)).toEqual(['revocation.stale-crl']);
    const rolled = buildCrl({ issuer: ca, thisUpdate: at, nextUpdate: new Date(at.getTime() + hour), signingKey: crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey });
    const r = await checkLink(link(c), at, table({ 'http://h/ca.crl': () => bytes(rolled) }));
    expect(r.text).toContain('CRL signed by another key');
  });

  it('says unknown for an OCSP "unknown", and a finding for it', async () => {
    const c = leaf({ ocsp: ['http://h/ocsp'] });
    const r = await checkLink(link(c), at, table({ 'http://h/ocsp': ocspOf({ status: 'unknown' }) }));
    expect(r.status).toBe('unknown');
    expect(revocationFindings([{ subject: 'CN=alice', thumbprintSha1: 'AA', role: 'leaf', revocation: r }]).map((f) => f.id)).toEqual(['revocation.ocsp-unknown']);
  });

  it('lists LDAP addresses as not fetched, and a link without addresses as not checked', async () => {
    const ldap = await checkLink(link(leaf({ crl: ['ldap:///CN=CA,CN=CDP?certificateRevocationList'] })), at, table({}));
    expect(ldap.status).toBe('could-not-check');
    expect(ldap.addresses.notFetched[0]!.why).toContain('LDAP is not fetched by Certbench; Windows would try it');
    const none = await checkLink(link(leaf()), at, table({}));
    expect(none.status).toBe('not-checked');
    const f = revocationFindings([{ subject: 'CN=alice', thumbprintSha1: 'AA', role: 'leaf', revocation: none }], { serverChecksRevocation: true });
    expect(f.map((x) => [x.id, x.severity])).toEqual([['revocation.no-address', 'error']]);
  });

  it('a delta CRL that revokes overturns the full CRL (RFC 5280 5.2.4)', async () => {
    const c = issueCertificate({ subject: [['CN', 'bob']], issuer: ca, crlUrls: ['http://h/full.crl'] });
    const full = buildCrl({ issuer: ca, thisUpdate: at, nextUpdate: new Date(at.getTime() + hour), crlNumber: 5, freshestUrls: ['http://h/delta.crl'] });
    const delta = buildCrl({ issuer: ca, thisUpdate: at, nextUpdate: new Date(at.getTime() + hour), crlNumber: 6, deltaBase: 5, entries: [{ serial: serialOf(c), revokedAt: at, reason: 4 }] });
    const r = await checkLink({ der: new Uint8Array(c.der), role: 'leaf', issuerDer: new Uint8Array(ca.der) }, at, table({ 'http://h/full.crl': () => bytes(full), 'http://h/delta.crl': () => bytes(delta) }));
    expect(r.status).toBe('revoked');
    expect(r.text).toBe(`revoked on ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC (superseded) per delta CRL http://h/delta.crl`);
    expect(r.sources.map((s) => s.method)).toEqual(['crl', 'delta-crl']);
    const unreadable = await checkLink({ der: new Uint8Array(c.der), role: 'leaf', issuerDer: new Uint8Array(ca.der) }, at, table({ 'http://h/full.crl': () => bytes(full) }));
    expect(unreadable.status).toBe('could-not-check');
    expect(unreadable.text).toContain('the delta CRL');
  });

  it('a missing issuer is "could not check" without a revocation finding (chain.incomplete says it)', async () => {
    const r = await checkLink({ der: new Uint8Array(leaf({ crl: ['http://h/ca.crl'] }).der), role: 'leaf', issuerDer: null }, at, table({}));
    expect(r.status).toBe('could-not-check');
    expect(revocationFindings([{ subject: 'CN=alice', thumbprintSha1: 'AA', role: 'leaf', revocation: r }])).toEqual([]);
  });

  it('answers "could not check" with one line for any bytes a server sends, never throws', async () => {
    const c = leaf({ crl: ['http://h/ca.crl'], ocsp: ['http://h/ocsp'] });
    const valid = new Uint8Array(crlOf([{ serial: serialOf(c), reason: 1 }]));
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), async (random, i, v) => {
        const mutated = valid.slice();
        mutated[i] = v;
        const r = await checkLink(link(c), at, table({ 'http://h/ocsp': () => bytes(Buffer.from(random)), 'http://h/ca.crl': () => bytes(Buffer.from(mutated)) }));
        // Any changed byte breaks the CRL's signature or its reading: only the untouched CRL answers.
        expect(r.status).toBe(valid[i] === v ? 'revoked' : 'could-not-check');
        for (const s of r.sources) expect(s.detail).not.toContain('\n');
      }),
      { numRuns: 150 },
    );
  });

  it('an OCSP answer with any byte changed is not believed', async () => {
    const c = leaf({ ocsp: ['http://h/ocsp'] });
    const ids = requestedCertIds(buildOcspRequest(parseX509(c.der), parseX509(ca.der)));
    const valid = new Uint8Array(buildOcspResponse({ ca, answers: [{ certId: ids[0]!, answer: { status: 'revoked', revokedAt: at, reason: 1 } }], thisUpdate: at, nextUpdate: new Date(at.getTime() + hour) }));
    // The BasicOCSPResponse (the signed answer, its algorithm and signature) ends the response; the envelope before it is not signed.
    const basicLength = pkijs.OCSPResponse.fromBER(valid).responseBytes!.response.valueBlock.valueHexView.length;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: valid.length - basicLength, max: valid.length - 1 }), fc.integer({ min: 0, max: 255 }), async (i, v) => {
        const mutated = valid.slice();
        mutated[i] = v;
        const r = await checkLink(link(c), at, table({ 'http://h/ocsp': () => bytes(Buffer.from(mutated)) }));
        expect(r.status).toBe(valid[i] === v ? 'revoked' : 'could-not-check');
      }),
      { numRuns: 200 },
    );
  });

  it('does not check a root', async () => {
    const r = await checkLink({ der: new Uint8Array(root.der), role: 'root', issuerDer: null }, at, table({}));
    expect(r.text).toMatch(/^not checked: root/);
  });
});

function serialOf(c: LabCertificate): Buffer {
  return Buffer.from(parseX509(c.der).serial);
}
