import type { KeyLocation } from '../../../shared/model/store';
import type { CertutilCertificate, CertutilKey } from '../../../shared/stores/certutil-text';
import { keyDirectoriesFor, keyDirectoryText } from './key-paths';

/**
 * The Windows adapter's side of `certutil -store` text: the pure parser lives in
 * shared/stores/certutil-text.ts (the Server side page parses a server's export with it too); what
 * needs this machine's key folders stays here.
 */
export { parseCertutilStore, type CertutilCertificate, type CertutilKey, type CertutilStoreDump } from '../../../shared/stores/certutil-text';

/** CryptoAPI CSP or CNG KSP: ProviderType when printed (-v), else the provider's name. */
export function providerKindOf(key: Pick<CertutilKey, 'provider' | 'providerType'>): 'capi' | 'cng' | null {
  if (key.providerType !== null) return key.providerType === 0 ? 'cng' : 'capi';
  if (!key.provider) return null;
  if (/Key Storage Provider|Platform Crypto Provider/i.test(key.provider)) return 'cng';
  if (/Cryptographic Provider|Crypto Provider|\bCSP\b/i.test(key.provider)) return 'capi';
  return null;
}

/**
 * What certutil says about a certificate's key, in the model's words. The path stays null: certutil
 * names the file but not its folder, so the detail lists where to look (reference section 2).
 */
export function certutilKeyLocation(c: CertutilCertificate, location: 'LocalMachine' | 'CurrentUser'): KeyLocation {
  const k = c.key;
  const base = {
    provider: k.provider,
    providerKind: providerKindOf(k),
    container: k.container,
    uniqueName: k.fileName,
    path: null,
    exportable: k.exportable,
  };
  const folders = () => keyDirectoriesFor(location).map(keyDirectoryText).join(', ');
  if (k.noKeyProviderInfo) return { ...base, status: 'none', detail: 'No key provider information: no private key is associated with this certificate.' };
  if (k.missingKeyset) {
    return {
      ...base,
      status: 'missing',
      detail: `Missing stored keyset: the certificate names key container ${k.container ?? '(unnamed)'}${k.provider ? ` in ${k.provider}` : ''}, but the key cannot be opened (its file is gone, or this account may not read it).`,
    };
  }
  if (!k.container && !k.provider) return { ...base, status: 'unknown', detail: 'certutil printed no key information for this certificate.' };
  const file = k.fileName ? `Key file ${k.fileName}, in one of ${folders()}.` : 'certutil did not print the key file name.';
  if (k.test === 'failed') return { ...base, status: 'unknown', detail: `The key opened but its test failed. ${file}` };
  if (k.test) return { ...base, status: 'present', detail: `The key opened and passed its ${k.test} test. ${file}` };
  return { ...base, status: 'unknown', detail: `certutil printed no key test line. ${file}` };
}
