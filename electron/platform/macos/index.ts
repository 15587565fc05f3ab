import os from 'node:os';
import path from 'node:path';
import { summarizeCertificate } from '../../../shared/cert/summarize';
import { CertbenchError, oneLine } from '../../../shared/errors';
import type { AccessAnswer, Acl, GrantPlan, GrantResult, Identity, UndoResult } from '../../../shared/model/acl';
import type { KeyLocation, Store, StoreCertificate, StoreRole } from '../../../shared/model/store';
import type { CertStoreSource, CommandRunner, IdentityDirectory, KeyAclReader, KeyAclWriter, Platform, StoreListing } from '../types';
import { parseFindCertificate, parseFindIdentity, type FindIdentityResult } from '../../../shared/stores/macos-security';

/**
 * The macOS adapter (DESIGN.md "Platforms"): keychains read with the `security` tool, private keys
 * known through `find-identity` (a certificate with its key in a keychain is an identity). ACLs of
 * keychain items are not files and are out of scope: reading or granting them is refused with one
 * line pointing to Keychain Access.
 */

export const SECURITY = '/usr/bin/security';
export const NOT_SUPPORTED = 'not supported on macOS keychains: use Keychain Access';

export interface Keychain {
  id: string;
  path: string;
  label: string;
  role: StoreRole;
  /**
   * Trust anchors for chain building. Only the system roots are: on macOS trust comes from trust
   * settings, not from which keychain holds a certificate (UNCERTAIN for admin-trusted roots in
   * System.keychain, which need `security dump-trust-settings -d` to see).
   */
  trusted: boolean;
}

export function defaultKeychains(home: string = os.homedir()): Keychain[] {
  return [
    { id: 'macos:login', path: path.posix.join(home, 'Library/Keychains/login.keychain-db'), label: 'login keychain', role: 'personal', trusted: false },
    { id: 'macos:System', path: '/Library/Keychains/System.keychain', label: 'System keychain', role: 'other', trusted: false },
    { id: 'macos:SystemRoots', path: '/System/Library/Keychains/SystemRootCertificates.keychain', label: 'System Roots', role: 'root', trusted: true },
  ];
}

/** `find-certificate` exits non-zero with this when a keychain holds no certificate: an empty store, not an error. */
const NOTHING_FOUND = /could not be found in the keychain/i;

function keyLocation(sha1: string, identities: FindIdentityResult | null, identityError: string | null, keychain: Keychain): KeyLocation {
  const base = { provider: 'macOS keychain', providerKind: 'keychain' as const, container: null, uniqueName: null, path: null, exportable: null };
  if (!identities) return { ...base, status: 'unknown', detail: `Private keys in ${keychain.label} could not be listed: ${identityError ?? 'unknown reason'}.` };
  const valid = identities.valid.find((i) => i.sha1 === sha1);
  if (valid) return { ...base, status: 'present', detail: `A valid client-authentication identity in ${keychain.label} ("${valid.name}"): its private key is in the keychain.` };
  const listed = identities.matching?.find((i) => i.sha1 === sha1);
  if (listed) {
    return { ...base, status: 'present', detail: `Its private key is in ${keychain.label}, but the identity is not valid for client authentication${listed.problem ? ` (${listed.problem})` : ''}.` };
  }
  return {
    ...base,
    status: 'unknown',
    detail: `Not a valid ssl-client identity in ${keychain.label}: no private key there, or the certificate is not valid for client authentication (security find-identity -v lists valid identities only).`,
  };
}

export function macosStores(runner: CommandRunner, keychains: Keychain[]): CertStoreSource {
  return {
    async list({ at, progress, signal }): Promise<StoreListing> {
      const stores: Store[] = [];
      const certificates: StoreCertificate[] = [];
      for (const [i, kc] of keychains.entries()) {
        if (signal?.aborted) throw new CertbenchError('timeout', 'keychain enumeration cancelled');
        progress?.(i, keychains.length, kc.label);
        const store: Store = { id: kc.id, kind: 'macos-keychain', role: kc.role, label: kc.label, location: kc.path, trusted: kc.trusted, certificateCount: 0, error: null };
        stores.push(store);
        const found = await runner.run(SECURITY, ['find-certificate', '-a', '-p', '-Z', kc.path], { timeoutMs: 120_000, maxOutputBytes: 64 * 1024 * 1024 });
        if (found.error) {
          store.error = `security find-certificate could not run: ${found.error}`;
          continue;
        }
        if (found.exitCode !== 0) {
          if (!NOTHING_FOUND.test(found.stderr)) store.error = oneLine(`security find-certificate exited with code ${found.exitCode}: ${found.stderr.trim() || found.stdout.trim()}`);
          continue;
        }
        let identities: FindIdentityResult | null = null;
        let identityError: string | null = null;
        if (kc.role !== 'root') {
          const ids = await runner.run(SECURITY, ['find-identity', '-v', '-p', 'ssl-client', kc.path], { timeoutMs: 60_000 });
          try {
            if (ids.error) throw new Error(ids.error);
            identities = parseFindIdentity(ids.stdout);
          } catch (err) {
            identityError = oneLine((err as Error).message);
          }
        }
        try {
          for (const [n, c] of parseFindCertificate(found.stdout).entries()) {
            const summary = await summarizeCertificate(`${kc.label} certificate ${n + 1}`, c.der, at);
            const key: KeyLocation =
              kc.role === 'root'
                ? { status: 'none', provider: null, providerKind: null, container: null, uniqueName: null, path: null, exportable: null, detail: 'System roots hold no private keys.' }
                : keyLocation(summary.thumbprintSha1, identities, identityError, kc);
            certificates.push({ storeId: kc.id, friendlyName: null, summary, key });
            store.certificateCount++;
          }
        } catch (err) {
          store.error = oneLine((err as Error).message);
        }
      }
      progress?.(keychains.length, keychains.length, 'keychains');
      return { stores, certificates };
    },
  };
}

function notSupported(): never {
  throw new CertbenchError('bad-input', NOT_SUPPORTED);
}

const macosAcl: KeyAclReader = {
  read(): Promise<Acl> {
    return Promise.reject(new CertbenchError('bad-input', NOT_SUPPORTED));
  },
  canRead(): AccessAnswer {
    return notSupported();
  },
};

const macosIdentities: IdentityDirectory = {
  async list(): Promise<Identity[]> {
    return [];
  },
  resolve(): Promise<Identity> {
    return Promise.reject(new CertbenchError('bad-input', NOT_SUPPORTED));
  },
};

const macosWriter: KeyAclWriter = {
  plan(): Promise<GrantPlan> {
    return Promise.reject(new CertbenchError('bad-input', NOT_SUPPORTED));
  },
  grant(): Promise<GrantResult> {
    return Promise.reject(new CertbenchError('bad-input', NOT_SUPPORTED));
  },
  undo(): Promise<UndoResult> {
    return Promise.reject(new CertbenchError('bad-input', NOT_SUPPORTED));
  },
};

/** The macOS Platform: keychain stores and key presence; ACLs and grants refused in one line. */
export function macosPlatform(runner: CommandRunner, options: { keychains?: Keychain[]; home?: string } = {}): Platform {
  return {
    name: 'macos',
    stores: macosStores(runner, options.keychains ?? defaultKeychains(options.home)),
    acl: macosAcl,
    identities: macosIdentities,
    aclWriter: macosWriter,
    commands: runner,
  };
}
