import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { webcrypto } from 'node:crypto';

/**
 * Distinct certificates for benchmarks, made in-process with pkijs on Node's WebCrypto (reference
 * tls-probe-notes: one attribute per RDN, first serial byte forced into 0x01..0x7F).
 */
export async function generateCertificates(count: number): Promise<Uint8Array[]> {
  pkijs.setEngine('node-webcrypto', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }));
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const issuer = name([['2.5.4.6', 'US'], ['2.5.4.10', 'Certbench Bench'], ['2.5.4.3', 'Bench Issuing CA']]);
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const cert = new pkijs.Certificate();
    cert.version = 2;
    const serial = new Uint8Array(16);
    webcrypto.getRandomValues(serial);
    serial[0] = (serial[0]! & 0x7f) | 0x01;
    cert.serialNumber = new asn1js.Integer({ valueHex: serial.buffer });
    cert.issuer.typesAndValues = issuer;
    cert.subject.typesAndValues = name([['2.5.4.10', 'Contoso'], ['2.5.4.11', `Unit ${i % 50}`], ['2.5.4.3', `client-${i}`]]);
    cert.notBefore.value = new Date(Date.now() - 86_400_000);
    cert.notAfter.value = new Date(Date.now() + 365 * 86_400_000);
    cert.extensions = [
      new pkijs.Extension({
        extnID: '2.5.29.37',
        critical: false,
        extnValue: new pkijs.ExtKeyUsage({ keyPurposes: ['1.3.6.1.5.5.7.3.2'] }).toSchema().toBER(false),
      }),
      new pkijs.Extension({
        extnID: '2.5.29.17',
        critical: false,
        extnValue: new pkijs.AltName({ altNames: [new pkijs.GeneralName({ type: 2, value: `client-${i}.contoso.test` })] })
          .toSchema()
          .toBER(false),
      }),
    ];
    await cert.subjectPublicKeyInfo.importKey(keys.publicKey);
    await cert.sign(keys.privateKey, 'SHA-256');
    out.push(new Uint8Array(cert.toSchema(true).toBER(false)));
  }
  return out;
}

function name(attrs: [string, string][]): pkijs.AttributeTypeAndValue[] {
  return attrs.map(
    ([type, value]) =>
      new pkijs.AttributeTypeAndValue({
        type,
        value: type === '2.5.4.6' ? new asn1js.PrintableString({ value }) : new asn1js.Utf8String({ value }),
      }),
  );
}

export interface GeneratedCa {
  der: Uint8Array;
  keys: CryptoKeyPair;
  name: pkijs.AttributeTypeAndValue[];
  ski: Uint8Array;
}

export interface Hierarchy {
  roots: Uint8Array[];
  intermediates: Uint8Array[];
  leaves: Uint8Array[];
}

/**
 * A realistic pool for chain benchmarks: a few roots, intermediates under each, leaves under the
 * intermediates, with SKI/AKI, Basic Constraints and Key Usage as real CAs issue them.
 */
export async function generateHierarchy(opts: { roots: number; intermediatesPerRoot: number; leaves: number }): Promise<Hierarchy> {
  pkijs.setEngine('node-webcrypto', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }));
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const newKeys = async () => (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const skiOf = async (keys: CryptoKeyPair) => {
    const spki = new Uint8Array(await webcrypto.subtle.exportKey('spki', keys.publicKey));
    return new Uint8Array(await webcrypto.subtle.digest('SHA-1', spki)).subarray(0, 20);
  };

  async function issue(subject: pkijs.AttributeTypeAndValue[], keys: CryptoKeyPair, issuer: GeneratedCa | null, ca: boolean): Promise<GeneratedCa> {
    const cert = new pkijs.Certificate();
    cert.version = 2;
    const serial = new Uint8Array(16);
    webcrypto.getRandomValues(serial);
    serial[0] = (serial[0]! & 0x7f) | 0x01;
    cert.serialNumber = new asn1js.Integer({ valueHex: serial.buffer });
    cert.subject.typesAndValues = subject;
    cert.issuer.typesAndValues = issuer ? issuer.name : subject;
    cert.notBefore.value = new Date(Date.now() - 86_400_000);
    cert.notAfter.value = new Date(Date.now() + 365 * 86_400_000);
    const ski = await skiOf(keys);
    const extensions = [
      new pkijs.Extension({ extnID: '2.5.29.14', critical: false, extnValue: new asn1js.OctetString({ valueHex: ski }).toBER(false) }),
      new pkijs.Extension({
        extnID: '2.5.29.35',
        critical: false,
        extnValue: new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: (issuer ?? { ski }).ski }) }).toSchema().toBER(false),
      }),
      new pkijs.Extension({ extnID: '2.5.29.19', critical: true, extnValue: new pkijs.BasicConstraints({ cA: ca }).toSchema().toBER(false) }),
    ];
    if (!ca) {
      extensions.push(
        new pkijs.Extension({ extnID: '2.5.29.37', critical: false, extnValue: new pkijs.ExtKeyUsage({ keyPurposes: ['1.3.6.1.5.5.7.3.2'] }).toSchema().toBER(false) }),
      );
    }
    cert.extensions = extensions;
    await cert.subjectPublicKeyInfo.importKey(keys.publicKey);
    await cert.sign((issuer?.keys ?? keys).privateKey, 'SHA-256');
    return { der: new Uint8Array(cert.toSchema(true).toBER(false)), keys, name: subject, ski };
  }

  const out: Hierarchy = { roots: [], intermediates: [], leaves: [] };
  const issuing: GeneratedCa[] = [];
  for (let r = 0; r < opts.roots; r++) {
    const root = await issue(name([['2.5.4.10', 'Bench'], ['2.5.4.3', `Bench Root ${r}`]]), await newKeys(), null, true);
    out.roots.push(root.der);
    for (let i = 0; i < opts.intermediatesPerRoot; i++) {
      const inter = await issue(name([['2.5.4.10', 'Bench'], ['2.5.4.3', `Bench Issuing ${r}-${i}`]]), await newKeys(), root, true);
      out.intermediates.push(inter.der);
      issuing.push(inter);
    }
  }
  const leafKeys = await newKeys();
  for (let l = 0; l < opts.leaves; l++) {
    const issuer = issuing[l % issuing.length]!;
    out.leaves.push((await issue(name([['2.5.4.3', `bench-leaf-${l}`]]), leafKeys, issuer, false)).der);
  }
  return out;
}
