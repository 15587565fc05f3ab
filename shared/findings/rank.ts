import type { Finding, FindingId } from './catalogue';
import type { RankedFinding } from '../model/diagnose';

/**
 * Orders a diagnosis's findings by how likely each is to be the root cause ("findings ordered
 * by how likely each is to be the root cause"). Pure and deterministic so the UI, the CLI and a
 * bundle opened later agree on the order.
 *
 * The model is simple on purpose, so a reader can check it: every finding id has a prior (how often
 * the field notes and Microsoft's KBs name it as the cause of a client-certificate failure), a
 * finding gains weight when another piece of evidence corroborates it (the symptom it explains was
 * seen, or a second source says the same), and symptoms (a 403.7 answer, a rejected certificate)
 * rank below any cause that explains them, but stay on top when nothing does.
 */

export type FindingArea = RankedFinding['area'];

/** A finding before ranking, with the gathering step that raised it. */
export interface AreaFinding {
  finding: Finding;
  area: FindingArea;
}

/** Symptoms: they say that authentication failed, not why. */
const SYMPTOMS = new Set<FindingId>(['http.403.7', 'http.403.13', 'http.403.16', 'http.403.17', 'server.rejected-certificate']);

/**
 * Priors, 0-100: how likely a finding of this id is THE cause when it is present. From the field
 * notes (000-004) and the KBs in reference/windows-formats.md: certificate faults the client cannot
 * work around rank highest, then the server's way of asking, then trust-list and store problems,
 * then context that only explains what a client sees.
 */
const PRIOR: Record<FindingId, number> = {
  'cert.expired': 96,
  'cert.not-yet-valid': 95,
  'cert.no-private-key': 93,
  'cert.no-client-auth-eku': 92,
  'revocation.revoked': 94,
  'schannel.server-key-unreadable': 91,
  'server.tls13-post-handshake-needed': 90,
  'iis.tls13-with-renegotiation': 90,
  'server.no-client-cert-request': 89,
  'server.ca-list-excludes-issuer': 88,
  'key.identity-cannot-read': 87,
  'iis.ssl-flags-not-requiring-cert': 86,
  'store.non-self-signed-in-root': 85,
  'server.ca-list-too-large': 84,
  'schannel.ca-list-truncated': 84,
  'store.root-names-too-large': 82,
  'iis.mapping-at-application-level': 82,
  'chain.incomplete': 80,
  'chain.invalid': 80,
  'chain.unverified-signature': 79,
  'cert.no-digital-signature': 78,
  'chain.untrusted-root': 76,
  'log.500-64-before-403-7': 75,
  'iis.client-cert-negotiation-off': 70,
  'iis.anonymous-needed-for-wcf': 70,
  'schannel.client-cert-alert': 66,
  'server.renegotiation-client-cert': 60,
  // Clients that can only use that version cannot connect at all; others fall back without noticing.
  'server.tls-version-refused': 59,
  'server.rejected-certificate': 58,
  // Windows servers that check revocation refuse a certificate whose status they cannot get (403.13 / CRYPT_E_REVOCATION_OFFLINE).
  'revocation.unreachable': 62,
  'revocation.stale-crl': 61,
  'revocation.no-address': 57,
  'revocation.ocsp-unknown': 54,
  'http.403.16': 56,
  'http.403.17': 56,
  'http.403.13': 56,
  'http.403.7': 55,
  'store.expired-roots': 32,
  'chain.weak-crypto': 35,
  'server.ca-list-empty': 30,
  'key.too-open': 25,
  'schannel.trusted-issuer-list-off': 22,
  'server.ca-list-roots-only': 15,
  'server.ca-list-intermediates-only': 15,
};

/** Which causes explain which symptoms (so the cause is lifted when its symptom was seen). */
const EXPLAINS: Partial<Record<FindingId, FindingId[]>> = {
  'cert.expired': ['http.403.17', 'server.rejected-certificate'],
  'cert.not-yet-valid': ['http.403.17', 'server.rejected-certificate'],
  'cert.no-client-auth-eku': ['http.403.7', 'http.403.16', 'server.rejected-certificate'],
  'cert.no-private-key': ['http.403.7'],
  'cert.no-digital-signature': ['server.rejected-certificate', 'http.403.16'],
  'server.no-client-cert-request': ['http.403.7'],
  'server.ca-list-excludes-issuer': ['http.403.7'],
  'server.ca-list-too-large': ['http.403.7', 'server.rejected-certificate'],
  'schannel.ca-list-truncated': ['http.403.7', 'server.ca-list-too-large'],
  'store.root-names-too-large': ['http.403.7', 'server.ca-list-too-large', 'schannel.ca-list-truncated'],
  'store.non-self-signed-in-root': ['http.403.7', 'http.403.16'],
  'server.tls13-post-handshake-needed': ['http.403.7', 'server.rejected-certificate'],
  'iis.tls13-with-renegotiation': ['http.403.7', 'server.tls13-post-handshake-needed'],
  'iis.client-cert-negotiation-off': ['http.403.7', 'log.500-64-before-403-7', 'server.renegotiation-client-cert'],
  'log.500-64-before-403-7': ['http.403.7'],
  'chain.incomplete': ['http.403.16', 'server.rejected-certificate', 'server.ca-list-excludes-issuer'],
  'chain.untrusted-root': ['http.403.16', 'server.rejected-certificate'],
  // IIS answers 403.13 for a revoked certificate (windows-formats.md, IIS substatus table); which
  // substatus an offline revocation server gives is not documented, so both are named.
  'revocation.revoked': ['http.403.13', 'server.rejected-certificate'],
  'revocation.unreachable': ['http.403.13', 'http.403.16', 'server.rejected-certificate'],
  'revocation.stale-crl': ['http.403.13', 'http.403.16', 'server.rejected-certificate'],
  'chain.invalid': ['http.403.16', 'server.rejected-certificate'],
  'chain.unverified-signature': ['http.403.16', 'server.rejected-certificate'],
  'key.identity-cannot-read': ['http.403.7'],
  'iis.ssl-flags-not-requiring-cert': ['http.403.7', 'server.no-client-cert-request'],
  'iis.mapping-at-application-level': ['http.403.7'],
  'iis.anonymous-needed-for-wcf': ['http.403.7'],
  'schannel.client-cert-alert': ['server.rejected-certificate'],
};

const SEVERITY_PENALTY = { error: 0, warning: 8, info: 25 } as const;

/** Why a finding ranks where it does, in the words of the UI ("why it ranks here"). */
function whyText(f: Finding, explained: FindingId[], explainedBy: FindingId[], top: boolean): string {
  if (explained.length) {
    const seen = explained.map((id) => SYMPTOM_WORDS[id] ?? id).join(' and ');
    return `${top ? 'Most likely cause: it' : 'It'} explains ${seen}, which the evidence shows.`;
  }
  if (SYMPTOMS.has(f.id)) {
    return explainedBy.length
      ? `A symptom: ${explainedBy.length === 1 ? 'the finding ranked above explains it' : 'the findings ranked above explain it'}.`
      : 'A symptom with no cause found in the evidence gathered: attach the server configuration and logs, or probe with the certificate.';
  }
  if (PRIOR[f.id] >= 80) return 'On its own this stops client-certificate logon.';
  if (PRIOR[f.id] >= 70) return 'A common cause of client-certificate failures; check it against the other findings.';
  if (PRIOR[f.id] >= 55) return 'Contributes: it fails for some clients or hides the real error.';
  return 'Context: explains what clients see, but does not by itself stop a logon.';
}

const SYMPTOM_WORDS: Partial<Record<FindingId, string>> = {
  'http.403.7': 'the 403.7 answer (certificate required)',
  'http.403.13': 'the 403.13 answer (certificate revoked)',
  'http.403.16': 'the 403.16 answer (certificate untrusted)',
  'http.403.17': 'the 403.17 answer (certificate expired or not yet valid)',
  'server.rejected-certificate': 'the server rejecting the certificate',
  'server.tls13-post-handshake-needed': 'the failure under TLS 1.3',
  'server.ca-list-too-large': 'the oversized CA list',
  'schannel.ca-list-truncated': 'the truncated CA list',
  'log.500-64-before-403-7': 'the 500 (win32 64) before the 403.7 in the log',
  'server.no-client-cert-request': 'the server never asking for a certificate',
  'server.ca-list-excludes-issuer': 'the CA list missing the issuer',
  'server.renegotiation-client-cert': 'the request by renegotiation',
};

/** Merge findings with the same id and the same params (two steps may both see a 403.7). */
function dedupe(items: AreaFinding[]): AreaFinding[] {
  const seen = new Map<string, AreaFinding>();
  for (const item of items) {
    const key = `${item.finding.id}|${JSON.stringify(item.finding.params ?? {})}|${item.finding.id.startsWith('http.') ? '' : item.finding.title}`;
    const prior = seen.get(key);
    if (!prior) {
      seen.set(key, { area: item.area, finding: { ...item.finding, evidence: [...item.finding.evidence] } });
      continue;
    }
    // Keep the more severe, add the other's evidence (a 403.7 on the wire and in the log are one fact seen twice).
    const texts = new Set(prior.finding.evidence.map((e) => `${e.kind}|${e.text}`));
    for (const e of item.finding.evidence) if (!texts.has(`${e.kind}|${e.text}`)) prior.finding.evidence.push(e);
    if (SEVERITY_PENALTY[item.finding.severity] < SEVERITY_PENALTY[prior.finding.severity]) prior.finding.severity = item.finding.severity;
  }
  return [...seen.values()];
}

/** What the evidence says beyond the findings themselves. */
export interface RankContext {
  /** The probe presented the client certificate and the server accepted it (a 2xx/3xx answer, no fatal alert). */
  certificateAccepted?: boolean;
}

/** Faults of the chain as this machine sees it: moot for the server when the server accepted the certificate. */
const LOCAL_CHAIN = new Set<FindingId>(['chain.untrusted-root', 'chain.incomplete', 'chain.invalid', 'chain.unverified-signature', 'chain.weak-crypto']);
const ACCEPTED_WHY = 'Context: the server accepted this certificate when the probe presented it, so this is how this machine sees the chain, not what the server does.';

export function rankFindings(items: AreaFinding[], context: RankContext = {}): RankedFinding[] {
  const merged = dedupe(items);
  const present = new Set(merged.map((m) => m.finding.id));
  const scored = merged.map((m, index) => {
    const explained = (EXPLAINS[m.finding.id] ?? []).filter((id) => present.has(id));
    const explainedBy = Object.entries(EXPLAINS)
      .filter(([cause, symptoms]) => present.has(cause as FindingId) && symptoms.includes(m.finding.id))
      .map(([cause]) => cause as FindingId);
    let score = PRIOR[m.finding.id] - SEVERITY_PENALTY[m.finding.severity];
    // Corroborated causes rise; symptoms with a cause fall below it.
    score += Math.min(explained.length, 2) * 6;
    if (SYMPTOMS.has(m.finding.id) && explainedBy.length) score -= 30;
    const moot = context.certificateAccepted === true && LOCAL_CHAIN.has(m.finding.id);
    if (moot) score -= 50;
    return { m, index, score, explained, explainedBy, moot };
  });
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  return scored.map(({ m, score, explained, explainedBy, moot }, i) => {
    if (moot) return { ...m.finding, rank: i + 1, likelihood: 'context' as const, why: ACCEPTED_WHY, area: m.area };
    const likelihood: RankedFinding['likelihood'] =
      m.finding.severity === 'info' || score < 40 ? 'context' : i === 0 && m.finding.severity === 'error' && score >= 75 ? 'root-cause' : score >= 70 ? 'likely' : 'contributing';
    return { ...m.finding, rank: i + 1, likelihood, why: whyText(m.finding, explained, explainedBy, i === 0), area: m.area };
  });
}
