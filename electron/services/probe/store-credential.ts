import { MAX_INPUT_FILE_BYTES } from '../../../shared/input-limits';
import { CertbenchError } from '../../../shared/errors';
import type { StoreCertificate } from '../../../shared/model/store';
import { readInputFile } from '../input-file';
import type { ClientCredential } from './attempt';
import type { CredentialInput } from './client-cert';

/**
 * A certificate from the stores (or a folder the user added) as the client credential, for the probe
 * and for Diagnose alike. Its key must be a file Certbench can read (folders, PEM/PFX next to the
 * certificate); keys held by Windows CryptoAPI/CNG, NSS or a keychain are used by their own TLS
 * stacks, not by this probe: the error says so and how to get around it.
 */
export async function credentialFromStore(found: StoreCertificate, password: string | undefined, label = 'thumbprint'): Promise<ClientCredential> {
  const wanted = found.summary.thumbprintSha1;
  if (found.key.status !== 'present' || found.key.providerKind !== 'file' || !found.key.path) {
    const where = found.key.provider ?? found.key.providerKind ?? 'no key';
    throw new CertbenchError('bad-input', `${label}: the private key of ${wanted} is not a file Certbench can read (${found.key.status}, ${where}); export it as a .pfx and give that file instead`);
  }
  const keyBytes = readInputFile(found.key.path, MAX_INPUT_FILE_BYTES);
  // node-forge (PKCS#12) is loaded only when a credential is: a probe without one never compiles it.
  const { loadClientCredential } = await import('./client-cert');
  // A .pfx in a folder holds the certificate and its key together: present it as it is.
  if (/\.(pfx|p12)$/i.test(found.key.path)) return loadClientCredential({ fileName: found.key.path, bytes: keyBytes, password });
  const certFile: CredentialInput = { fileName: `${wanted} (${found.storeId})`, bytes: Buffer.from(found.summary.derBase64, 'base64'), password };
  return loadClientCredential(certFile, { fileName: found.key.path, bytes: keyBytes, password });
}
