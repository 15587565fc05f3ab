import { CertbenchError } from '../errors';
import { readContainer, type ContainerFormat } from './containers';

/** What one input file turned out to hold (certificates only; see readContainer for keys). */
export interface ReadResult {
  format: ContainerFormat;
  /** DER of each certificate in the order found. */
  certificates: Uint8Array[];
}

/**
 * Turn the bytes of a certificate file into certificate DERs: DER, PEM, bare base64, PKCS#7, or a
 * PKCS#12 without a password. The content decides, never the extension. A thin wrapper over
 * readContainer for callers that want certificates only; a file with only a private key is an error.
 * Throws a CertbenchError whose message names the file and what was wrong.
 */
export async function readCertificateFile(name: string, bytes: Uint8Array, maxBytes: number): Promise<ReadResult> {
  const read = await readContainer(name, bytes, { maxBytes });
  if (!read.certificates.length) {
    throw new CertbenchError('bad-input', `${name}: holds a private key but no certificate`);
  }
  return { format: read.format, certificates: read.certificates };
}
