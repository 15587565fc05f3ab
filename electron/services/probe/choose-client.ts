import { CertbenchError } from '../../../shared/errors';
import type { StoreCertificate } from '../../../shared/model/store';
import { findPowerShell, POWERSHELL_INSTALL_HINT } from '../../platform/find-powershell';
import type { ClientCredential } from './attempt';
import { credentialFromStore } from './store-credential';

/**
 * Which client presents a store certificate: Certbench's own (it needs the key as a file it can read)
 * or .NET's SslStream in PowerShell (Schannel on Windows, which uses any key Windows holds: CNG,
 * CAPI, TPM, smart card, exportable or not). `auto` is Certbench's own client, except on Windows when
 * the certificate's key is held by Windows rather than a file and PowerShell is there: then Schannel
 * presents it, as the Windows client the user has would. One rule for the CLI, Probe and Diagnose.
 */
export type ProbeVia = 'auto' | 'certbench' | 'powershell';

/** PowerShell's path, or the one-line error that says it is missing and how to install it. */
export function requirePowerShell(powershell: string | null = findPowerShell()): string {
  if (!powershell) throw new CertbenchError('not-found', `PowerShell is not installed here, so the Windows TLS client cannot run: ${POWERSHELL_INSTALL_HINT}`);
  return powershell;
}

/** Whether the SslStream client presents this store certificate, and the sentence that says why. */
export function sslStreamChoice(via: ProbeVia, found: StoreCertificate | null, platform: NodeJS.Platform = process.platform, powershell: string | null = findPowerShell()): { use: boolean; why: string | null } {
  if (via === 'certbench') return { use: false, why: null };
  if (via === 'powershell') {
    requirePowerShell(powershell);
    return { use: true, why: 'presented through PowerShell (.NET SslStream), as asked' };
  }
  const heldByWindows = !!found && found.key.status === 'present' && (found.key.providerKind === 'cng' || found.key.providerKind === 'capi');
  if (platform === 'win32' && heldByWindows && powershell) {
    return { use: true, why: `its private key is held by Windows (${found!.key.provider ?? found!.key.providerKind}), not a file Certbench can read: presented through PowerShell (.NET SslStream, Schannel), which uses it in place` };
  }
  return { use: false, why: null };
}

export type StoreClient = { kind: 'credential'; credential: ClientCredential } | { kind: 'sslstream'; thumbprint: string; why: string };

/**
 * A store certificate as the probe's client: Certbench's credential when its key is a readable file,
 * else the SslStream client where the rule above allows it, else the one-line reason it cannot be
 * presented. With `powershell` the listing is not needed: the personal store PowerShell sees is searched.
 */
export async function storeClient(thumbprint: string, via: ProbeVia, password: string | undefined, list: () => Promise<StoreCertificate[]>, label = 'thumbprint'): Promise<StoreClient> {
  if (via === 'powershell') {
    const choice = sslStreamChoice(via, null);
    return { kind: 'sslstream', thumbprint, why: choice.why! };
  }
  const certificates = await list();
  const found = certificates.find((c) => c.summary.thumbprintSha1 === thumbprint && c.key.status === 'present') ?? certificates.find((c) => c.summary.thumbprintSha1 === thumbprint) ?? null;
  if (!found) throw new CertbenchError('not-found', `${label}: ${thumbprint} is in none of the local stores or added folders (see "certbench stores"${findPowerShell() ? '; a certificate only in PowerShell\'s personal store is presented with --via powershell, the Windows TLS client' : ''})`);
  try {
    return { kind: 'credential', credential: await credentialFromStore(found, password, label) };
  } catch (err) {
    const choice = sslStreamChoice(via, found);
    if (choice.use) return { kind: 'sslstream', thumbprint, why: choice.why! };
    throw err;
  }
}
