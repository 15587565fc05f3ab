import { afterAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { issueCertificate } from '../../electron/services/lab/pki';
import '../../electron/services/node-verify';
import { parseX509 } from '../../shared/cert/x509';
import { judgeOcsp } from '../../shared/revocation/judge-ocsp';
import { buildOcspRequest, parseOcspResponse } from '../../shared/revocation/ocsp';

/** Interoperability: an answer written by another OCSP implementation (`openssl ocsp` as the responder) is read and judged. */
describe('OCSP answers from openssl ocsp', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-ocsp-'));
  const file = (name: string) => path.join(dir, name);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a revoked answer with its time and reason, signed by the CA with its certificate attached', async () => {
    const ca = issueCertificate({ subject: [['CN', 'OCSP Test CA']], ca: true, keyAlgorithm: 'rsa-2048' });
    const c = issueCertificate({ subject: [['CN', 'alice']], issuer: ca });
    fs.writeFileSync(file('ca.pem'), ca.pem);
    fs.writeFileSync(file('ca.key'), ca.keyPem);
    const serial = new crypto.X509Certificate(c.der).serialNumber;
    // openssl ca's index: status, expiry, revocation time and reason, serial, file, subject.
    fs.writeFileSync(file('index.txt'), `R\t301231000000Z\t261130140200Z,keyCompromise\t${serial}\tunknown\t/CN=alice\n`);
    fs.writeFileSync(file('req.der'), buildOcspRequest(parseX509(c.der), parseX509(ca.der)));
    execFileSync('openssl', ['ocsp', '-index', file('index.txt'), '-rsigner', file('ca.pem'), '-rkey', file('ca.key'), '-CA', file('ca.pem'), '-reqin', file('req.der'), '-respout', file('resp.der'), '-ndays', '1']);
    const r = parseOcspResponse(new Uint8Array(fs.readFileSync(file('resp.der'))));
    expect(r.certs).toHaveLength(1);
    const j = await judgeOcsp(r, parseX509(c.der), parseX509(ca.der), new Date());
    expect(j).toMatchObject({ outcome: 'revoked', revokedAt: new Date('2026-11-30T14:02:00Z'), reasonCode: 1, detail: 'the responder says revoked (signed by the CA)' });
  });
});
