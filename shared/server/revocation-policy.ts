import type { SslBinding } from '../model/server';
import { netshFieldOfLabel, parseSwitch, type NetshField } from './netsh-sslcert';
import { decodeCertCheckMode } from './ssl-flags';

/**
 * How the server checks the revocation of client certificates, joined from the evidence: the
 * binding as `netsh http show sslcert` prints it (any language the netsh parser knows), as its
 * SslBindingInfo registry key holds it (bindingsFromRegistry), or a DefaultSslCertCheckMode value alone. Pure, so Diagnose's revocation stage can set
 * the engine's per-link answers beside what the server would do (HTTP_SERVICE_CONFIG_SSL_PARAM).
 */
export interface RevocationPolicy {
  /** Whether HTTP.SYS checks client certificates' revocation; null when the evidence does not say. */
  checks: boolean | null;
  /** Only revocation data already cached on the server (CACHED_REVOCATION_ONLY, 0x2). */
  cachedOnly: boolean | null;
  /** RevocationFreshnessTime in seconds (0: the CRL's own nextUpdate decides). */
  freshnessSeconds: number | null;
  /** RevocationUrlRetrievalTimeout in milliseconds (0: Windows' default). */
  urlRetrievalTimeoutMs: number | null;
  /** Where the answer came from, in words ("netsh http show sslcert (bindings.txt)"); null when nothing said. */
  source: string | null;
}

export interface RevocationEvidence {
  /** One binding from parseNetshSslcert or bindingsFromRegistry. */
  binding?: Pick<SslBinding, 'fields' | 'source'> | null;
  /** DefaultSslCertCheckMode from the binding's registry key, when that was read instead. */
  certCheckMode?: { value: number; source: string } | null;
}

function fieldValue(binding: Pick<SslBinding, 'fields'>, field: NetshField): string | null {
  for (const f of binding.fields) if (netshFieldOfLabel(f.label) === field) return f.value.trim();
  return null;
}

/** A whole non-negative number as netsh prints it ("0", "30"); null for anything else. */
function whole(value: string | null): number | null {
  if (value === null || !/^\d{1,10}$/.test(value)) return null;
  return Number(value);
}

/** A REG_DWORD as bindingsFromRegistry shows it ("0x00003a98 (15000)"); absent is 0, as HTTP.SYS reads it. */
function registryDword(binding: Pick<SslBinding, 'fields'>, name: string): number | null {
  const f = binding.fields.find((x) => x.label.toLowerCase() === name.toLowerCase());
  if (!f) return 0;
  const m = /\((\d{1,10})\)$/.exec(f.value.trim());
  return m ? Number(m[1]) : null;
}

/** A binding read from its SslBindingInfo registry key (bindingsFromRegistry): the values by name. */
function fromRegistry(binding: Pick<SslBinding, 'fields' | 'source'>): RevocationPolicy {
  const mode = registryDword(binding, 'DefaultSslCertCheckMode');
  const decoded = mode === null ? null : decodeCertCheckMode(mode);
  return {
    checks: decoded?.verifyRevocation ?? null,
    cachedOnly: decoded?.cachedRevocationOnly ?? null,
    freshnessSeconds: registryDword(binding, 'DefaultSslRevocationFreshnessTime'),
    urlRetrievalTimeoutMs: registryDword(binding, 'DefaultSslRevocationUrlRetrievalTimeout'),
    source: `SslBindingInfo registry values (${binding.source})`,
  };
}

export function revocationPolicyFromEvidence(evidence: RevocationEvidence): RevocationPolicy {
  const { binding, certCheckMode } = evidence;
  if (binding?.fields.some((f) => f.label === 'Registry key')) return fromRegistry(binding);
  if (binding) {
    const checks = fieldValue(binding, 'verifyClientCertRevocation');
    const cached = fieldValue(binding, 'verifyRevocationCachedOnly');
    const policy: RevocationPolicy = {
      checks: checks === null ? null : parseSwitch(checks),
      cachedOnly: cached === null ? null : parseSwitch(cached),
      freshnessSeconds: whole(fieldValue(binding, 'revocationFreshnessTime')),
      urlRetrievalTimeoutMs: whole(fieldValue(binding, 'urlRetrievalTimeout')),
      source: `netsh http show sslcert (${binding.source})`,
    };
    if (policy.checks !== null || policy.cachedOnly !== null || !certCheckMode) return policy;
  }
  if (certCheckMode) {
    const mode = decodeCertCheckMode(certCheckMode.value);
    return {
      checks: mode.verifyRevocation,
      cachedOnly: mode.cachedRevocationOnly,
      freshnessSeconds: null,
      urlRetrievalTimeoutMs: null,
      source: `DefaultSslCertCheckMode ${mode.value} (${certCheckMode.source})`,
    };
  }
  return { checks: null, cachedOnly: null, freshnessSeconds: null, urlRetrievalTimeoutMs: null, source: null };
}
