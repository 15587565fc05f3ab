import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Res } from '../../shared/contract';
import { MAX_INPUT_FILE_BYTES } from '../../shared/input-limits';
import { CertificateIndex, readContainer, thumbprint } from '../../shared/cert/containers';
import { summarizeCertificate } from '../../shared/cert/summarize';
import { CertbenchError } from '../../shared/errors';
import { finding, type Finding } from '../../shared/findings/catalogue';
import type { Acl, GrantPlan, Identity } from '../../shared/model/acl';
import type { KeyLocation, StoreCertificate } from '../../shared/model/store';
import { FOLDER_LIMITS, scanFolder } from '../platform/file-store';
import { keyFileFindings } from '../platform/key-findings';
import type { PathCheck, Platform } from '../platform/types';
import { readInputFile } from './input-file';
import type { StoresService } from './stores';
import { quietWork, type Clock, type Work } from './work';

/**
 * The key services: where a certificate's private key lives and who may read it (the
 * FindPrivateKey + icacls/getfacl questions), "can this identity read it?", and the grant with a
 * backup and an undo. OS specifics are behind the platform adapter; this module only composes.
 */

/** What the key services run on. */
interface KeyDeps {
  platform: Platform;
  stores: StoresService;
  clock: Clock;
}

/** A grant as asked: the plan only (dry run), or applied (with the digest of the plan reviewed). */
export interface GrantInput {
  path: string;
  identity: string;
  dryRun: boolean;
  planDigest?: string;
}

export interface KeysService {
  /** The FindPrivateKey equivalent, by store thumbprint or by file. */
  find: (query: { thumbprint?: string; path?: string; password?: string }, work: Work) => Promise<Res<'keys:find'>>;
  /** The key file's owner, mode and entries. */
  acl: (file: string) => Promise<Res<'keys:acl'>>;
  /** Can this identity read the key, with the entry that decides it. */
  checkAccess: (file: string, identity: string) => Promise<Res<'keys:check-access'>>;
  /** The plan (dry run) or the grant itself (backup, change, verification). */
  grant: (input: GrantInput, options?: { requireReviewedPlan?: boolean }) => Promise<Res<'keys:grant'>>;
  /** Restore a backup exactly. */
  undo: (backupId: string) => Promise<Res<'keys:undo'>>;
  /** Users, service accounts and groups (app pools on Windows). */
  identities: () => Promise<Res<'identities:list'>>;
}

export function createKeysService(deps: KeyDeps): KeysService {
  return {
    find: (query, work) => findKey(query, work, deps),
    acl: (file) => keyAcl(file, deps.platform),
    checkAccess: (file, identity) => checkKeyAccess(file, identity, deps.platform),
    grant: (input, options) => grantKeyAccess(input, deps, options),
    undo: async (backupId) => {
      const result = await deps.platform.aclWriter.undo(backupId);
      deps.stores.forget();
      return result;
    },
    identities: async () => ({ identities: await deps.platform.identities.list() }),
  };
}

const NO_KEY: KeyLocation = { status: 'none', provider: null, providerKind: null, container: null, uniqueName: null, path: null, exportable: null, detail: null };
const KEY_ORDER: Record<KeyLocation['status'], number> = { present: 0, missing: 1, unknown: 2, none: 3 };

/** A file named by the user, bounded, with one-line errors. */
function readLocalFile(file: string): Uint8Array {
  return readInputFile(file, MAX_INPUT_FILE_BYTES);
}

/**
 * Where to look for the key of a certificate file, as an administrator would: the same folder, a
 * sibling "private" folder (/etc/ssl/certs → /etc/ssl/private), and the folder's own "private".
 */
function keySearchFolders(certFile: string): string[] {
  const dir = path.dirname(certFile);
  return [...new Set([dir, path.join(dir, 'private'), path.join(path.dirname(dir), 'private')])].filter((d) => {
    try {
      return fs.statSync(d).isDirectory();
    } catch {
      return false;
    }
  });
}

/** Key files among `folders` whose public key is the certificate's. */
async function findKeyFiles(der: Uint8Array, folders: string[], signal?: AbortSignal): Promise<string[]> {
  const index = new CertificateIndex();
  index.add([der]);
  const want = thumbprint(der);
  const found: string[] = [];
  for (const folder of folders) {
    const scan = scanFolder(folder, { ...FOLDER_LIMITS, maxDepth: 0 }, signal);
    for (const f of scan.files) {
      try {
        const read = await readContainer(f.path, f.bytes, { maxBytes: FOLDER_LIMITS.maxFileBytes });
        if (read.keys.some((k) => k.publicKeySha256 !== null && index.find(k.publicKeySha256) === want)) found.push(f.path);
      } catch {
        // Not a key or certificate file, or password-protected: not this certificate's key as far as we can tell.
      }
    }
  }
  return found;
}

async function aclOrNote(platform: Platform, file: string | null): Promise<{ acl: Acl | null; aclNote: string | null }> {
  if (!file) return { acl: null, aclNote: null };
  try {
    return { acl: await platform.acl.read(file), aclNote: null };
  } catch (err) {
    return { acl: null, aclNote: err instanceof Error ? err.message : String(err) };
  }
}

function noKeyFinding(cert: StoreCertificate | null, why: string): Finding {
  return finding('cert.no-private-key', 'No private key is associated with the certificate', why, cert ? [{ kind: 'certificate', text: `${cert.summary.subject.rfc4514} (${cert.summary.thumbprintSha1})` }] : []);
}

async function findKey(request: { thumbprint?: string; path?: string; password?: string }, ctx: Work, services: KeyDeps): Promise<Res<'keys:find'>> {
  const at = services.clock.now();
  if (request.thumbprint) {
    const want = request.thumbprint.toUpperCase();
    let { listing: l } = await services.stores.listing(ctx, { refresh: false });
    let matches = l.certificates.filter((c) => c.summary.thumbprintSha1 === want);
    if (!matches.length) {
      // The cached listing may predate the certificate: read the stores again once.
      l = (await services.stores.listing(ctx, { refresh: true })).listing;
      matches = l.certificates.filter((c) => c.summary.thumbprintSha1 === want);
    }
    if (!matches.length) throw new CertbenchError('not-found', `no certificate with thumbprint ${want} in the stores (add its folder with stores:add-folder, or give the file)`);
    const best = [...matches].sort((a, b) => KEY_ORDER[a.key.status] - KEY_ORDER[b.key.status])[0]!;
    const keyPath = best.key.status === 'present' || best.key.status === 'missing' ? best.key.path : null;
    const { acl, aclNote } = best.key.status === 'present' ? await aclOrNote(services.platform, keyPath) : { acl: null, aclNote: null };
    const findings: Finding[] = [];
    if (best.key.status === 'none') findings.push(noKeyFinding(best, `No store holds a private key for it (${matches.map((m) => m.storeId).join(', ')}).`));
    if (best.key.status === 'missing') findings.push(noKeyFinding(best, best.key.detail ?? 'A key is associated but its file is missing.'));
    if (acl) findings.push(...keyFileFindings(acl, null));
    return {
      query: want,
      certificate: best,
      foundIn: matches.map((m) => m.storeId),
      key: best.key,
      directory: keyPath ? path.dirname(keyPath) : null,
      fileName: keyPath ? path.basename(keyPath) : null,
      acl,
      aclNote,
      findings,
    };
  }

  const file = path.resolve(request.path!);
  let bytes: Uint8Array;
  try {
    bytes = readLocalFile(file);
  } catch (err) {
    if (!(err instanceof CertbenchError && err.code === 'forbidden')) throw err;
    // Unreadable to us, as key files are to anyone but their owner: take it as the key file and
    // show who may read it (getfacl needs no read permission), as FindPrivateKey would for a non-admin.
    const key: KeyLocation = { ...NO_KEY, status: 'unknown', providerKind: 'file', path: file, detail: 'this process cannot read the file (permission denied); it is taken as the key file' };
    const { acl, aclNote } = await aclOrNote(services.platform, file);
    return { query: file, certificate: null, foundIn: [], key, directory: path.dirname(file), fileName: path.basename(file), acl, aclNote, findings: acl ? keyFileFindings(acl, null) : [] };
  }
  // A PFX's password, when given: without it a PFX is refused with 'password-required', which the page turns into a password field.
  const read = await readContainer(file, bytes, { maxBytes: MAX_INPUT_FILE_BYTES, ...(request.password !== undefined ? { password: request.password } : {}) });
  const certDer = read.keys.find((k) => k.matchesCertificate)
    ? read.certificates.find((d) => thumbprint(d) === read.keys.find((k) => k.matchesCertificate)!.matchesCertificate)
    : read.certificates[0];
  const certificate: StoreCertificate | null = certDer
    ? { storeId: `file:${file}`, friendlyName: null, summary: await summarizeCertificate(file, certDer, at), key: NO_KEY, file, trustFlags: null }
    : null;
  let keyPath: string | null = null;
  let key: KeyLocation = NO_KEY;
  const findings: Finding[] = [];
  if (read.keys.length) {
    // The file is the key (a key file or a PFX with its key).
    keyPath = file;
    key = { ...NO_KEY, status: 'present', providerKind: 'file', path: file, detail: read.format === 'pkcs12' ? 'the private key is inside this PKCS#12 file' : null };
  } else if (certDer) {
    const folders = keySearchFolders(file);
    const candidates = await findKeyFiles(certDer, folders, ctx.signal);
    if (candidates.length) {
      keyPath = candidates[0]!;
      key = { ...NO_KEY, status: 'present', providerKind: 'file', path: keyPath, detail: candidates.length > 1 ? `${candidates.length} key files match; the first is shown (${candidates.slice(1).join(', ')})` : null };
    } else {
      key = { ...NO_KEY, detail: `no key file with this certificate's public key in ${folders.join(', ')}` };
      findings.push(noKeyFinding(certificate, `No file in ${folders.join(', ')} holds the private key of this certificate (keys are matched by public key; encrypted keys need their password).`));
    }
  }
  const { acl, aclNote } = await aclOrNote(services.platform, keyPath);
  if (acl) findings.push(...keyFileFindings(acl, null));
  return {
    query: file,
    certificate: certificate ? { ...certificate, key } : null,
    foundIn: [],
    key,
    directory: keyPath ? path.dirname(keyPath) : null,
    fileName: keyPath ? path.basename(keyPath) : null,
    acl,
    aclNote,
    findings,
  };
}

async function keyAcl(requested: string, platform: Platform): Promise<Res<'keys:acl'>> {
  const reader = platform.acl;
  const file = path.resolve(requested);
  if (reader.readWithNote) return reader.readWithNote(file);
  return { acl: await reader.read(file), note: null };
}

/** Access along the path when the platform can check it, else the file alone. */
async function pathCheck(platform: Platform, file: string, identity: Identity): Promise<PathCheck> {
  if (platform.acl.checkPath) return platform.acl.checkPath(file, identity);
  const acl = await platform.acl.read(file);
  const answer = platform.acl.canRead(acl, identity);
  return { acl, steps: [{ path: acl.path, need: 'read', answer }], answer, note: null };
}

async function checkKeyAccess(file: string, identityName: string, platform: Platform): Promise<Res<'keys:check-access'>> {
  const identity = await platform.identities.resolve(identityName);
  const check = await pathCheck(platform, path.resolve(file), identity);
  return { identity, acl: check.acl, steps: check.steps, answer: check.answer, note: check.note, findings: keyFileFindings(check.acl, { identity: identity.name, steps: check.steps }) };
}

/**
 * The key file a grant may touch: only a file Certbench identifies as holding a private key
 * (a key file or a PFX, read and parsed), the key found next to a certificate file (as `certbench key`
 * finds it), or a key file the store listing names (Windows MachineKeys files, which cannot be
 * parsed). Anything else (`/etc/shadow`, a script, a folder) is refused with one line, dry run included.
 * A file this process cannot read is taken as the key file, as `certbench key` does (key files are
 * unreadable to all but their owner): root reads every file, so such a grant can only ever be made
 * by the file's owner, on a file that is theirs, and the plan says so.
 */
async function identifiedKeyFile(file: string, stores: StoresService): Promise<string> {
  const listed = async (): Promise<boolean> => {
    const { listing: l } = await stores.listing(quietWork(), { refresh: false });
    return l.certificates.some((c) => c.key.path !== null && path.resolve(c.key.path) === file);
  };
  let bytes: Uint8Array;
  try {
    bytes = readLocalFile(file);
  } catch (err) {
    if (err instanceof CertbenchError && err.code === 'forbidden') return file;
    throw err;
  }
  let read: Awaited<ReturnType<typeof readContainer>> | null = null;
  try {
    read = await readContainer(file, bytes, { maxBytes: MAX_INPUT_FILE_BYTES });
  } catch {
    read = null;
  }
  if (read?.keys.length) return file;
  if (read?.certificates.length) {
    const found = await findKeyFiles(read.certificates[0]!, keySearchFolders(file));
    if (found.length) return found[0]!;
    throw new CertbenchError('not-found', `${file}: a certificate whose private key file was not found next to it; give the key file`);
  }
  if (await listed()) return file;
  throw new CertbenchError('bad-input', `${file}: not a certificate or private key file Certbench identified; a grant only ever changes the ACL of a key file`);
}

/** The digest of a plan and the state of the file it was made for (GrantPlan.digest). */
function planDigest(plan: GrantPlan, file: string): string {
  let st: fs.Stats | null = null;
  try {
    st = fs.lstatSync(file);
  } catch {
    st = null;
  }
  const state = st ? { dev: st.dev, ino: st.ino, uid: st.uid, gid: st.gid, mode: st.mode, ctimeMs: st.ctimeMs, symlink: st.isSymbolicLink() } : null;
  const reviewed = { path: plan.path, identity: plan.identity, commands: plan.commands, changes: plan.changes, alreadyAllowed: plan.alreadyAllowed, access: plan.access, state };
  return crypto.createHash('sha256').update(JSON.stringify(reviewed)).digest('hex');
}

async function grantKeyAccess(request: GrantInput, services: KeyDeps, options: { requireReviewedPlan?: boolean } = {}): Promise<Res<'keys:grant'>> {
  const identity = await services.platform.identities.resolve(request.identity);
  const file = await identifiedKeyFile(path.resolve(request.path), services.stores);
  const plan = await services.platform.aclWriter.plan(file, identity);
  const digest = planDigest(plan, file);
  if (request.dryRun) return { dryRun: true, plan: { ...plan, digest } };
  if (options.requireReviewedPlan && !request.planDigest) throw new CertbenchError('bad-request', 'keys:grant: applying needs the planDigest of the dry run the user reviewed');
  if (request.planDigest !== undefined && request.planDigest !== digest) {
    throw new CertbenchError('bad-input', `${file}: the key file or its ACL changed since the dry run; nothing was changed: review the new plan`);
  }
  const result = await services.platform.aclWriter.grant(file, identity);
  services.stores.forget();
  return { dryRun: false, result };
}
