import type { Req } from '../../../../shared/contract';
import type { CertificateSummary } from '../../../../shared/model/certificate';
import type { KeyStatus } from '../../../../shared/model/chain';
import type { FileOutcome } from './use-inspect-queue';
import { DEFAULT_CHAIN_SETTINGS, type ChainSettings } from './chain-settings';

/** The contract's bounds (shared/contract.ts), kept below so one huge drop cannot be refused whole. */
const MAX_POOL = 20_000;
const MAX_TARGETS = 500;
/** The web mode refuses requests over 24 MB; stay well under it. */
const MAX_POOL_CHARS = 18 * 1024 * 1024;

export const KEY_UNKNOWN_DETAIL = 'no private key opened for it: open its key file or .pfx to check';

export type ChainRequest = Req<'chain:analyze'>;

export interface PlannedAnalysis {
  request: ChainRequest;
  /** What is known of each target's private key, by thumbprint (also shown on the card). */
  keys: Map<string, KeyStatus>;
  /** Changes whenever the certificates or keys opened change; equal plans need no new request. */
  signature: string;
  /** Certificates left out to respect the bounds (0 normally). */
  leftOut: number;
}

const isCa = (c: CertificateSummary) => c.basicConstraints?.ca === true;

/**
 * Which certificates get a chain and a verdict: what a user means by "my certificate". Every one
 * that is not a CA; and in a file that holds only CAs (an intermediate opened to check it), the CAs
 * that are not self-signed. Roots alone are never judged: they are where chains end.
 */
export function isTarget(cert: CertificateSummary, file: FileOutcome): boolean {
  if (!isCa(cert)) return true;
  return file.certificates.every(isCa) && !cert.selfSigned.value;
}

/**
 * Key status per certificate: present when a key opened in any file matches it (keys are matched
 * across files first, see key-match.ts); otherwise not known (never "missing": a user who has not
 * opened the key yet has not lost it).
 */
function keyStatuses(files: FileOutcome[], targets: CertificateSummary[]): Map<string, KeyStatus> {
  const found = new Map<string, string>(); // thumbprint -> file name
  const locked: string[] = []; // files whose encrypted keys could not be compared yet
  for (const f of files) {
    for (const k of f.keys) {
      if (k.matchesCertificate && !found.has(k.matchesCertificate)) found.set(k.matchesCertificate, f.name);
      if (k.encrypted && k.publicKeySha256 === null && !locked.includes(f.name)) locked.push(f.name);
    }
  }
  // An encrypted key that may be this one is the likelier story than "no key opened": say so.
  const unknown: KeyStatus = locked.length
    ? { status: 'unknown', detail: `the private key in ${locked.join(', ')} is encrypted: give its password to check whether it is this certificate's` }
    : { status: 'unknown', detail: KEY_UNKNOWN_DETAIL };
  const out = new Map<string, KeyStatus>();
  for (const c of targets) {
    const file = found.get(c.thumbprintSha1);
    out.set(c.thumbprintSha1, file ? { status: 'present', detail: `private key found in ${file}` } : unknown);
  }
  return out;
}

/** The `chain:analyze` request for everything opened (keys already matched across files): every certificate in the pool, the targets judged. */
export function planAnalysis(files: FileOutcome[], settings: ChainSettings = DEFAULT_CHAIN_SETTINGS): PlannedAnalysis {
  const pool: ChainRequest['pool'] = [];
  const targets: CertificateSummary[] = [];
  const poolIds: string[] = [];
  const seen = new Set<string>();
  let chars = 0;
  let leftOut = 0;
  for (const f of files) {
    for (const c of f.certificates) {
      if (pool.length >= MAX_POOL || chars + c.derBase64.length > MAX_POOL_CHARS) {
        leftOut++;
        continue;
      }
      chars += c.derBase64.length;
      pool.push({ derBase64: c.derBase64, source: f.name, trusted: false });
      poolIds.push(`${f.name}:${c.thumbprintSha1}`);
      if (isTarget(c, f) && !seen.has(c.thumbprintSha1) && targets.length < MAX_TARGETS) {
        seen.add(c.thumbprintSha1);
        targets.push(c);
      }
    }
  }
  const keys = keyStatuses(files, targets);
  const signature = JSON.stringify([
    settings,
    poolIds,
    targets.map((t) => `${t.thumbprintSha1}:${keys.get(t.thumbprintSha1)?.detail ?? ''}`),
  ]);
  return {
    request: {
      pool,
      targets: targets.map((t) => ({ thumbprint: t.thumbprintSha1, key: keys.get(t.thumbprintSha1)! })),
      useSystemTrust: true,
      ...(settings.strict ? { purpose: 'client-auth-strict' as const } : {}),
      ...(settings.rfc5280Anchors ? { anchors: 'rfc5280' as const } : {}),
      ...(settings.policies.length ? { policies: settings.policies } : {}),
      ...(settings.revocation ? { revocation: true } : {}),
    },
    keys,
    signature,
    leftOut,
  };
}
