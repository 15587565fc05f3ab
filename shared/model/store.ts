import { z } from 'zod';
import { CertificateSummarySchema } from './certificate';
import { VerdictBriefSchema } from './chain';

/**
 * Local certificate stores as plain data, the same on every platform: a Windows store
 * (LocalMachine\My), a Linux trust bundle or anchor folder, an NSS database, a folder the user added,
 * a macOS keychain. Adapters in electron/platform/<os>/ produce these; the renderer only shows them.
 */
export const StoreKindSchema = z.enum(['windows', 'system-bundle', 'anchor-folder', 'nss', 'folder', 'macos-keychain']);

/** What a store is for, so filters and findings can ask "is this the trusted root store?". */
export const StoreRoleSchema = z.enum(['personal', 'root', 'intermediate', 'trusted-people', 'trusted-publisher', 'disallowed', 'web-hosting', 'other']);

export const StoreSchema = z.object({
  /** Stable id, e.g. "windows:LocalMachine\\My", "nss:/home/alice/.pki/nssdb", "folder:/srv/certs". */
  id: z.string(),
  kind: StoreKindSchema,
  role: StoreRoleSchema,
  /** What a user calls it: "Local Computer > Personal", "System trust bundle", "Firefox (default-release)". */
  label: z.string(),
  /** File, folder or registry location, as the user would look for it. */
  location: z.string(),
  /** Whether certificates here are trust anchors for chain building. */
  trusted: z.boolean(),
  certificateCount: z.number().int(),
  /** One-line problem reading this store (permission denied, tool missing), or null. */
  error: z.string().nullable(),
});

/** Where a certificate's private key lives, as far as the store knows. */
export const KeyLocationSchema = z.object({
  /** present: a key is associated and its file was found; missing: associated but the keyset/file is gone. */
  status: z.enum(['present', 'missing', 'none', 'unknown']),
  /** CryptoAPI CSP or CNG KSP name on Windows ("Microsoft Software Key Storage Provider"); NSS token; null. */
  provider: z.string().nullable(),
  providerKind: z.enum(['capi', 'cng', 'nss', 'file', 'keychain']).nullable(),
  /** Key container name (Windows "Key Container ="). */
  container: z.string().nullable(),
  /** Unique container name: the key file's name (Windows). */
  uniqueName: z.string().nullable(),
  /** Absolute path of the key file when resolved (MachineKeys, Keys, SystemKeys, user folders, a PEM file). */
  path: z.string().nullable(),
  /** null when unknown (Linux files, NSS). */
  exportable: z.boolean().nullable(),
  /** Why the key is missing or unknown, in one line. */
  detail: z.string().nullable(),
});

export const StoreCertificateSchema = z.object({
  storeId: z.string(),
  friendlyName: z.string().nullable(),
  summary: CertificateSummarySchema,
  key: KeyLocationSchema,
  /** File the certificate was read from (folders, anchor folders, the bundle); absent or null otherwise. */
  file: z.string().nullable().optional(),
  /** Trust as the store spells it: NSS "CT,C,C" (SSL,S/MIME,JAR/XPI); absent or null where the store has none. */
  trustFlags: z.string().nullable().optional(),
  /**
   * Can it authenticate a client: THE verdict (shared/verdict/store-verdicts.ts), computed with the
   * listing over all stores and the system's roots. Absent in adapters' raw output and older bundles.
   */
  clientAuth: VerdictBriefSchema.optional(),
});

/** A folder the user added as a store (persisted in the app's data folder). */
export const StoreFolderSchema = z.object({
  path: z.string(),
  /** The user marked the folder as trusted roots (role root, used as anchors). */
  trusted: z.boolean(),
  addedAt: z.string(),
});

export type StoreKind = z.infer<typeof StoreKindSchema>;
export type StoreRole = z.infer<typeof StoreRoleSchema>;
export type Store = z.infer<typeof StoreSchema>;
export type KeyLocation = z.infer<typeof KeyLocationSchema>;
export type StoreCertificate = z.infer<typeof StoreCertificateSchema>;
export type StoreFolder = z.infer<typeof StoreFolderSchema>;
