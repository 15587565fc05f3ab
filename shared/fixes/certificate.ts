import { base64 } from '@peculiar/utils';
import { bytesEqual } from '../asn1/bytes';
import { pemBlocks, decodeBody, toPem } from '../cert/containers/text';
import { decodeBasicConstraints } from '../cert/extensions';
import { readName } from '../cert/names';
import { thumbprint, sha256Hex } from '../cert/thumbprint';
import { parseX509 } from '../cert/x509';

/**
 * A public CA certificate a fix installs (params.certificatePem), decoded once at generation time so
 * the script carries its canonical base64, its thumbprint for verification and undo, and its
 * fingerprints for the header. A value that is not exactly one certificate gets no script.
 */
export interface FixCertificate {
  /** DER as one line of base64 (the script rebuilds the file from it). */
  base64: string;
  /** Canonical PEM: 64-character lines, LF. */
  pem: string;
  /** SHA-1, uppercase hex: the Windows thumbprint (Cert:\LocalMachine\CA\<thumbprint>). */
  thumbprint: string;
  sha256: string;
  /** RFC 4514 subject, for the header and the file label. */
  subject: string;
  commonName: string | null;
  selfSigned: boolean;
  /** Basic Constraints cA; null when the extension is absent (v1 certificates). */
  isCa: boolean | null;
}

export function certificateFromPem(text: string | undefined): FixCertificate | null {
  if (text === undefined || text.length > 64 * 1024) return null;
  let der: Uint8Array | null = null;
  try {
    const blocks = pemBlocks(text).filter((b) => b.label === 'CERTIFICATE' || b.label === 'X509 CERTIFICATE' || b.label === 'TRUSTED CERTIFICATE');
    if (blocks.length !== 1) return null;
    der = decodeBody(blocks[0]!.body);
    if (!der) return null;
    const cert = parseX509(der);
    const subject = readName(cert.subject);
    const bc = cert.extensions.find((e) => e.oid === '2.5.29.19');
    const b64 = base64.encode(der);
    return {
      base64: b64,
      pem: toPem('CERTIFICATE', der),
      thumbprint: thumbprint(der),
      sha256: sha256Hex(der),
      subject: subject.rfc4514,
      commonName: subject.commonName,
      selfSigned: bytesEqual(cert.subject, cert.issuer),
      isCa: bc ? decodeBasicConstraints(bc.value).ca : null,
    };
  } catch {
    return null;
  }
}

/** "AB:CD:..." for reading a fingerprint aloud or comparing it with another channel. */
export function colonHex(hex: string): string {
  return (hex.match(/.{2}/g) ?? []).join(':');
}
