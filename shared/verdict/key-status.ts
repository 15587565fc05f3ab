import type { KeyStatus } from '../model/chain';
import type { KeySummary } from '../model/key';

/** A file's keys, as `certs:inspect` reports them. */
export interface FileKeys {
  name: string;
  keys: KeySummary[];
}

/**
 * What is known of a certificate's private key from the files a user opened: found (matched by
 * public key), missing (keys were opened and none is its key), or unknown (no key opened, or only
 * encrypted ones that could not be compared). Used by the UI and the CLI alike.
 */
export function keyStatusFromFiles(thumbprint: string, files: FileKeys[]): KeyStatus {
  const all = files.flatMap((f) => f.keys.map((k) => ({ file: f.name, key: k })));
  const match = all.find((k) => k.key.matchesCertificate?.toUpperCase() === thumbprint.toUpperCase());
  if (match) {
    const where = match.key.format === 'pkcs12' ? `in ${match.file} (PKCS#12, with the certificate)` : `in ${match.file}`;
    return { status: 'present', detail: `Its private key was found ${where}.` };
  }
  if (all.length === 0) {
    return { status: 'unknown', detail: 'No private key was opened for it: open its key file or .pfx to check.' };
  }
  const uncomparable = all.filter((k) => !k.key.publicKeySha256);
  if (uncomparable.length) {
    return {
      status: 'unknown',
      detail: `${uncomparable.length} private key(s) could not be compared (${uncomparable[0]!.key.note ?? 'encrypted'}); give the password to check.`,
    };
  }
  return { status: 'missing', detail: `None of the ${all.length} private key(s) opened matches its public key.` };
}
