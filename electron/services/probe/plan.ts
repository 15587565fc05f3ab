import type tls from 'node:tls';
import { connectionEvent } from '../../../shared/probe/timeline-message';
import type { ProbeAttempt, ProbeAttemptKind } from '../../../shared/model/probe';
import { versionRefused } from '../../../shared/probe/findings';

/**
 * Which connections a probe makes, and which it need not make. The default plan is the default
 * connection (TLS 1.2 or 1.3, as the server prefers), then TLS 1.2 and TLS 1.3 forced; a forced
 * version the default connection already negotiated is not connected again (the server answers a
 * TLS 1.3-only ClientHello as it answered the first one's TLS 1.3), its answer is that connection's,
 * and a version the server refused is never offered again. `once`: exactly one connection.
 */

export type TlsChoice = '1.2' | '1.3' | 'both';

/** Why `once` and the PowerShell client do not go together (the CLI and probe:run say it alike). */
export const ONCE_WITH_POWERSHELL = "--once makes one connection with Certbench's own client; presenting through PowerShell adds another: drop --once, or give the certificate as a file with --cert";

export interface Planned {
  kind: ProbeAttemptKind;
  label: string;
  min: tls.SecureVersion;
  max: tls.SecureVersion;
}

export function plan(choice: TlsChoice, once = false): Planned[] {
  const v12: Planned = { kind: 'tls1.2', label: 'TLS 1.2 forced', min: 'TLSv1.2', max: 'TLSv1.2' };
  const v13: Planned = { kind: 'tls1.3', label: 'TLS 1.3 forced', min: 'TLSv1.3', max: 'TLSv1.3' };
  if (choice === '1.2') return [v12];
  if (choice === '1.3') return [v13];
  const first: Planned = { kind: 'default', label: 'Default (TLS 1.2 or 1.3, as the server prefers)', min: 'TLSv1.2', max: 'TLSv1.3' };
  return once ? [first] : [first, v12, v13];
}

const VERSION_NAMES: Partial<Record<tls.SecureVersion, string>> = { 'TLSv1.2': 'TLS 1.2', 'TLSv1.3': 'TLS 1.3' };

/**
 * The planned forced-version attempt answered by the default connection, when that connection
 * negotiated exactly this version: the same facts under the forced attempt's name and kind, with a
 * first timeline line saying it was not repeated (so findings that read the TLS 1.2 or 1.3 attempt
 * still read the server's answer). Null when a connection must be made.
 */
export function answeredAlready(p: Planned, first: ProbeAttempt | undefined): ProbeAttempt | null {
  const version = p.min === p.max ? VERSION_NAMES[p.min] : undefined;
  if (!first || first.kind !== 'default' || !version || first.tls.version !== version) return null;
  const note = `${version} attempt not repeated: the first connection negotiated it`;
  const { durationMs: _notMade, ...answer } = first;
  return {
    ...answer,
    label: p.label,
    kind: p.kind,
    timeline: [{ ms: 0, from: 'client', encrypted: false, ...connectionEvent(note) }, ...first.timeline],
    reused: { from: 'default', note },
  };
}

/** The TLS versions the server refused when they were forced ("TLS 1.3"): no later connection offers only these. */
export function refusedVersions(attempts: readonly ProbeAttempt[]): Set<string> {
  return new Set(attempts.map(versionRefused).flatMap((r) => (r ? [r.version] : [])));
}
