import crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * A password-protected PKCS#12 (.pfx) for the lab (RFC 7292), built with pkijs: the private key in a
 * pkcs8ShroudedKeyBag encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC: node's encrypted PKCS#8
 * export), the certificates in a plain SafeContents, and an HMAC-SHA256 integrity MAC keyed by the
 * PKCS#12 KDF (pkijs's, RFC 7292 B.2). This is what `openssl pkcs12 -export -certpbe NONE` writes;
 * Windows imports it from Windows 10 1709 / Server 2019 on (older Windows needs 3DES/SHA-1 PFX files).
 */

const OID = {
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
} as const;

const MAC_ITERATIONS = 2048;

function attributes(localKeyId: Uint8Array, friendlyName: string | null): pkijs.Attribute[] {
  const attrs = [new pkijs.Attribute({ type: OID.localKeyId, values: [new asn1js.OctetString({ valueHex: localKeyId })] })];
  if (friendlyName) attrs.push(new pkijs.Attribute({ type: OID.friendlyName, values: [new asn1js.BmpString({ value: friendlyName })] }));
  return attrs;
}

/** The certificate's DER kept as it is (a CertBag built from a parsed Certificate would encode it again). */
function certBag(der: Uint8Array, attrs: pkijs.Attribute[] | null): pkijs.SafeBag {
  const bagValue = new pkijs.CertBag({ certId: OID.x509Certificate, certValue: new asn1js.OctetString({ valueHex: der }) });
  return new pkijs.SafeBag({ bagId: OID.certBag, bagValue, ...(attrs ? { bagAttributes: attrs } : {}) });
}

/** PFX bytes holding the key, its certificate and the chain after it. */
export async function writePfx(opts: { key: crypto.KeyObject; certificate: Uint8Array; chain: Uint8Array[]; password: string; friendlyName?: string }): Promise<Buffer> {
  const localKeyId = crypto.createHash('sha1').update(opts.certificate).digest();
  const attrs = attributes(localKeyId, opts.friendlyName ?? null);
  const shrouded = opts.key.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: opts.password });
  const keyBag = new pkijs.SafeBag({ bagId: OID.pkcs8ShroudedKeyBag, bagValue: pkijs.PKCS8ShroudedKeyBag.fromBER(shrouded), bagAttributes: attrs });
  const certContents = new pkijs.SafeContents({ safeBags: [certBag(opts.certificate, attrs), ...opts.chain.map((c) => certBag(c, null))] });
  const keyContents = new pkijs.SafeContents({ safeBags: [keyBag] });

  const authenticatedSafe = new pkijs.AuthenticatedSafe({
    parsedValue: { safeContents: [{ privacyMode: 0, value: certContents }, { privacyMode: 0, value: keyContents }] },
  });
  await authenticatedSafe.makeInternalValues({ safeContents: [{}, {}] });
  const pfx = new pkijs.PFX({ parsedValue: { integrityMode: 0, authenticatedSafe } });
  await pfx.makeInternalValues({
    password: new TextEncoder().encode(opts.password).buffer,
    iterations: MAC_ITERATIONS,
    pbkdf2HashAlgorithm: { name: 'SHA-256' },
    hmacHashAlgorithm: 'SHA-256',
  });
  // The MAC's DigestInfo names SHA-256 with NULL parameters, as OpenSSL and Windows write it (the MAC covers authSafe only).
  pfx.macData!.mac.digestAlgorithm.algorithmParams = new asn1js.Null();
  return Buffer.from(pfx.toSchema().toBER(false));
}
