import type { FindingId } from '../findings/catalogue';
import { linuxImportIntermediate, linuxImportRoot, linuxMoveNonSelfSigned, linuxRemoveExpired } from './linux-anchors';
import { linuxGrantRead, linuxRestrict } from './linux-keys';
import { linuxWebserverFixes as web } from './linux-webserver';
import type { FixGenerator } from './types';
import { anonymousAuth, siteLevelMapping, sslFlagsRequire } from './windows-iis';
import { windowsGrantRead, windowsRestrict } from './windows-keys';
import { clientCertNegotiation, disableTls13, revocationCheckOff, revocationOnline } from './windows-netsh';
import { revocationCacheRefresh } from './windows-revocation';
import { sendTrustedIssuerList } from './windows-schannel';
import { clientAuthIssuers, importIntermediate, importRoot, moveNonSelfSigned, removeExpiredRoots } from './windows-stores';

/**
 * Which fixes answer which finding (DESIGN.md "Findings" and "Fix scripts"), first fix
 * first. A generator decides from the finding's params whether it applies (Windows or Linux paths,
 * serverSoftware) and writes nothing when they do not say enough. Findings left out have no script:
 * cert.* (a new certificate is needed: the finding's detail says what to ask for), chain.invalid,
 * the CA-list kinds that are information, rejected certificates and alerts (their cause is another
 * finding), and schannel.server-key-unreadable (the server's own key: its identity is SYSTEM).
 */
const negotiateFirst = [clientCertNegotiation];
const tls13 = [clientCertNegotiation, disableTls13, web.apacheVerifyClient];
const caListTooLarge = [clientAuthIssuers, web.nginxIssuerOnly, web.apacheDnRequestFile];
const missingIntermediate = [importIntermediate, linuxImportIntermediate];

export const FIX_REGISTRY: Readonly<Partial<Record<FindingId, readonly FixGenerator[]>>> = {
  'iis.client-cert-negotiation-off': negotiateFirst,
  'log.500-64-before-403-7': negotiateFirst,
  'server.renegotiation-client-cert': [clientCertNegotiation, web.apacheVerifyClient],
  'iis.tls13-with-renegotiation': [clientCertNegotiation, disableTls13],
  'server.tls13-post-handshake-needed': tls13,
  'schannel.trusted-issuer-list-off': [sendTrustedIssuerList],
  'store.non-self-signed-in-root': [moveNonSelfSigned, linuxMoveNonSelfSigned],
  'store.expired-roots': [removeExpiredRoots, linuxRemoveExpired],
  'store.root-names-too-large': [clientAuthIssuers],
  'server.ca-list-too-large': caListTooLarge,
  'schannel.ca-list-truncated': [clientAuthIssuers],
  'chain.incomplete': missingIntermediate,
  'http.403.16': missingIntermediate,
  'chain.untrusted-root': [importRoot, linuxImportRoot],
  'key.identity-cannot-read': [windowsGrantRead, linuxGrantRead],
  'key.too-open': [windowsRestrict, linuxRestrict],
  'iis.mapping-at-application-level': [siteLevelMapping],
  'iis.ssl-flags-not-requiring-cert': [sslFlagsRequire],
  'iis.anonymous-needed-for-wcf': [anonymousAuth],
  'server.no-client-cert-request': [sslFlagsRequire, clientCertNegotiation, web.apacheVerifyClient, web.nginxVerifyClient],
  'server.ca-list-excludes-issuer': [clientAuthIssuers, web.nginxAddIssuer, web.apacheAddIssuer],
  // Revocation the server could not check: current data first; turning the check off is the last resort.
  // Where only the route to the CRL/OCSP address is wrong, the finding's detail says so (no script).
  'revocation.unreachable': [revocationOnline, revocationCacheRefresh, revocationCheckOff],
  'revocation.stale-crl': [revocationCacheRefresh],
};

export function generatorsFor(id: FindingId): readonly FixGenerator[] {
  return FIX_REGISTRY[id] ?? [];
}

/** Every fix id there is, once (for documentation and tests). */
export function fixIdList(): string[] {
  return [...new Set(Object.values(FIX_REGISTRY).flatMap((gens) => (gens ?? []).map((g) => g.fixId)))].sort();
}
