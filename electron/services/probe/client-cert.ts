import crypto from 'node:crypto';
import forge from 'node-forge';
import { readContainer } from '../../../shared/cert/containers';
import { toPem } from '../../../shared/cert/containers/text';
import { CertbenchError } from '../../../shared/errors';
import { MAX_INPUT_FILE_BYTES } from '../../../shared/input-limits';
import type { ClientCredential } from './attempt';

/**
 * The client certificate a probe presents: a PFX/P12 with its password, or a PEM/DER certificate file
 * plus a key file (or one PEM holding both). Certificates are read by Certbench's own container reader
 * (same one-line errors as `inspect`); the private key, which that reader deliberately never returns,
 * is taken here: by node-forge from a PKCS#12 (it opens the legacy RC2/3DES exports OpenSSL 3 no longer
 * loads), by node:crypto from key files. The key is matched to its certificate by public key, and the
 * other certificates of the files become the chain sent with it.
 */

export interface CredentialInput {
  fileName: string;
  bytes: Uint8Array;
  password?: string;
}

function spkiOf(der: Uint8Array): Buffer {
  return new crypto.X509Certificate(Buffer.from(der)).publicKey.export({ type: 'spki', format: 'der' });
}

/** PKCS#8 of the first private key in a PKCS#12, decrypted with its password. */
function keyFromPkcs12(input: CredentialInput): crypto.KeyObject {
  let p12: ReturnType<typeof forge.pkcs12.pkcs12FromAsn1>;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(input.bytes).toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, input.password ?? '');
  } catch (err) {
    throw new CertbenchError('bad-input', `${input.fileName}: cannot take the private key out of the PFX (${(err as Error).message.split('\n')[0]})`);
  }
  for (const type of [forge.pki.oids.pkcs8ShroudedKeyBag ?? '1.2.840.113549.1.12.10.1.2', forge.pki.oids.keyBag ?? '1.2.840.113549.1.12.10.1.1']) {
    const bags = p12.getBags({ bagType: type })[type] ?? [];
    for (const bag of bags) {
      // forge keeps the decrypted PrivateKeyInfo even for EC keys it cannot model (bag.key is then null).
      const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : bag.asn1;
      if (!info) continue;
      const der = Buffer.from(forge.asn1.toDer(info).getBytes(), 'binary');
      try {
        return crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
      } catch {
        continue;
      }
    }
  }
  throw new CertbenchError('bad-input', `${input.fileName}: the PFX holds no private key (export it again with "Yes, export the private key")`);
}

/** A private key from a PEM or DER key file (PKCS#8, PKCS#1, SEC1, encrypted PKCS#8 or legacy-encrypted PEM). */
function keyFromFile(input: CredentialInput): crypto.KeyObject | null {
  const text = Buffer.from(input.bytes).toString('latin1');
  const block = /-----BEGIN (?:(?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/.exec(text);
  if (block) {
    try {
      return crypto.createPrivateKey({ key: block[0], format: 'pem', passphrase: input.password });
    } catch (err) {
      const message = (err as Error).message;
      if (/passphrase|bad decrypt|interrupted or cancelled/i.test(message)) {
        throw new CertbenchError(input.password === undefined ? 'password-required' : 'wrong-password', `${input.fileName}: the private key is encrypted${input.password === undefined ? ' and no password was given' : ' and the password does not open it'}`);
      }
      throw new CertbenchError('bad-input', `${input.fileName}: unreadable private key (${message.split('\n')[0]})`);
    }
  }
  if (input.bytes[0] !== 0x30) return null;
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      return crypto.createPrivateKey({ key: Buffer.from(input.bytes), format: 'der', type, passphrase: input.password });
    } catch {
      continue;
    }
  }
  return null;
}

/**
 * Build the credential from the certificate file and, when the key is elsewhere, the key file.
 * Throws CertbenchError with one line naming the file at fault.
 */
export async function loadClientCredential(certFile: CredentialInput, keyFile?: CredentialInput): Promise<ClientCredential> {
  // `await` whether the reader is synchronous or not (it is becoming asynchronous for WebCrypto).
  const read = await readContainer(certFile.fileName, certFile.bytes, { password: certFile.password, maxBytes: MAX_INPUT_FILE_BYTES });
  if (!read.certificates.length) throw new CertbenchError('bad-input', `${certFile.fileName}: no certificate in this file`);
  let key: crypto.KeyObject | null = null;
  if (read.format === 'pkcs12') key = keyFromPkcs12(certFile);
  else if (keyFile) {
    key = keyFromFile({ ...keyFile, password: keyFile.password ?? certFile.password });
    if (!key) throw new CertbenchError('bad-input', `${keyFile.fileName}: no private key in this file`);
  } else key = keyFromFile(certFile);
  if (!key) {
    throw new CertbenchError('bad-input', `${certFile.fileName}: holds a certificate but no private key; give the key file too (--key) or a PFX`);
  }
  const keySpki = crypto.createPublicKey(key).export({ type: 'spki', format: 'der' });
  const leafIndex = read.certificates.findIndex((der) => {
    try {
      return spkiOf(der).equals(keySpki);
    } catch {
      return false;
    }
  });
  if (leafIndex < 0) {
    throw new CertbenchError('bad-input', `${keyFile?.fileName ?? certFile.fileName}: the private key does not match any certificate in ${certFile.fileName}`);
  }
  const leaf = read.certificates[leafIndex]!;
  const chain = read.certificates.filter((_, i) => i !== leafIndex);
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  return {
    fileName: certFile.fileName,
    certDer: leaf,
    chainDer: chain,
    privateKeyPkcs8: new Uint8Array(pkcs8),
    certPem: [leaf, ...chain].map((d) => toPem('CERTIFICATE', d)).join(''),
    keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    thumbprint: crypto.createHash('sha1').update(leaf).digest('hex').toUpperCase(),
  };
}
