// One file because the probe's rules read the same attempts and decide together which cause explains
// a refusal (one finding per cause); split, each rule would re-derive the others' conclusions.
import { finding, bySeverity, type Evidence, type Finding } from '../findings/catalogue';
import type { CertificateRequestInfo, ProbeAttempt, ProbeResult } from '../model/probe';
import { isCertificateRejectionAlert } from '../tls/names';
import { groupDigits } from '../errors';

/**
 * The rules that turn a probe's evidence into findings (DESIGN.md "Findings"). Pure: the
 * probe's attempts in, catalogue findings out, each with the bytes, names, alert or status line that
 * raised it and a detail a helpdesk reader can act on.
 */

/** Schannel's limit on the CA names a server sends (KB 933430; the hotfix raised it from 12,228 bytes). */
export const CA_LIST_LIMIT = 16_384;
export const CA_LIST_OLD_LIMIT = 12_228;

/** What is known of a CA certificate whose name may appear in the list: to tell roots from intermediates. */
export interface KnownCa {
  subject: string;
  selfSigned: boolean;
}

export interface ProbeFindingInput {
  attempts: ProbeAttempt[];
  /** The client certificate given to the probe: its subject, issuer and the chain that came with it. */
  clientCertificate?: { subject: string; issuer: string; chain: { subject: string; issuer: string }[] } | null;
  /** CA certificates known locally (trusted roots, the client chain, the server chain). */
  knownCas?: KnownCa[];
}

const number = groupDigits;

/** The attempts made without a client certificate: they show how the server asks. */
function plainAttempts(attempts: ProbeAttempt[]): ProbeAttempt[] {
  return attempts.filter((a) => !a.clientCertificate.presented && a.clientCertificate.thumbprint === null);
}

const isPha = (a: ProbeAttempt) => a.kind === 'post-handshake' || a.kind === 'post-handshake-client-certificate';

/** The probe's own TLS 1.3 client could not run (its reason says so); its silence proves nothing. */
export const PHA_UNAVAILABLE = 'post-handshake client not available';

function requestEvidence(a: ProbeAttempt, r: CertificateRequestInfo): Evidence[] {
  const line = a.timeline.find((e) => e.message.startsWith('CertificateRequest'));
  return [
    { kind: 'attempt', text: a.label },
    { kind: 'message', text: line ? `${line.ms} ms server: ${line.message}` : 'CertificateRequest' },
    { kind: 'size', text: `${number(r.caNamesBytes)} bytes of CA names in a ${number(r.messageBytes)}-byte message over ${r.records} record(s)` },
  ];
}

function statusLine(a: ProbeAttempt): string {
  if (!a.http) return a.error ?? a.ending;
  return `HTTP ${a.http.status}${a.http.subStatus !== null ? `.${a.http.subStatus}` : ''} ${a.http.reason}`.trim();
}

/** How a TLS 1.3 connection without a CertificateRequest failed in the way post-handshake servers fail. */
function failedLikePha(a: ProbeAttempt): boolean {
  if (a.clientAuth.certificateRequest) return false;
  if (a.http) return a.http.status === 403 || a.http.status === 500 || a.http.status === 401;
  const fatal = a.alerts.some((x) => x.from === 'server' && x.level === 'fatal' && (x.code === 116 || x.code === 40 || x.code === 10));
  return fatal || /reset|closed/.test(a.ending) || a.error !== null;
}

const isTls13 = (a: ProbeAttempt) => a.tls.version === 'TLS 1.3';
const isTls12 = (a: ProbeAttempt) => a.tls.version === 'TLS 1.2';

export function probeFindings(input: ProbeFindingInput): Finding[] {
  const ctx = probeContext(input);
  return [
    ...renegotiationFindings(ctx),
    ...tls13Findings(ctx),
    ...noRequestFindings(ctx),
    ...versionRefusedFindings(ctx),
    ...caListSizeFindings(ctx),
    ...caListKindFindings(ctx),
    ...issuerExcludedFindings(ctx),
    ...rejectedCertificateFindings(ctx),
    ...subStatusFindings(ctx),
  ].sort(bySeverity);
}

type RequestSeen = { attempt: ProbeAttempt; request: CertificateRequestInfo };

/** What every stage of probeFindings reads: the attempts sorted by what they show. */
interface ProbeContext {
  attempts: ProbeAttempt[];
  clientCertificate: ProbeFindingInput['clientCertificate'];
  knownCas: KnownCa[] | undefined;
  /** The attempts without a client certificate: they show how the server asks. */
  plain: ProbeAttempt[];
  requests: RequestSeen[];
  byHandshake: RequestSeen | undefined;
  byReneg: RequestSeen | undefined;
  byPha: RequestSeen | undefined;
  /** The first request seen without a certificate presented (else the first one): what the CA names are judged on. */
  firstRequest: RequestSeen | undefined;
  phaAttempt: ProbeAttempt | undefined;
  phaUnavailable: boolean;
  /** Only a TLS 1.3 handshake that completed counts: a server without TLS 1.3 at all is no fault here. */
  tls13Failures: ProbeAttempt[];
  /** Texts name a server's software (and its log messages) only when a Server header showed it. */
  software: ReturnType<typeof serverSoftware>;
}

function probeContext(input: ProbeFindingInput): ProbeContext {
  const plain = plainAttempts(input.attempts);
  const requests = input.attempts.filter((a) => a.clientAuth.certificateRequest).map((a) => ({ attempt: a, request: a.clientAuth.certificateRequest! }));
  const phaAttempt = plain.find(isPha);
  return {
    attempts: input.attempts,
    clientCertificate: input.clientCertificate,
    knownCas: input.knownCas,
    plain,
    requests,
    byHandshake: requests.find((r) => r.request.carriedBy === 'handshake'),
    byReneg: requests.find((r) => r.request.carriedBy === 'renegotiation'),
    byPha: requests.find((r) => r.request.carriedBy === 'post-handshake'),
    firstRequest: requests.find((r) => !r.attempt.clientCertificate.presented) ?? requests[0],
    phaAttempt,
    phaUnavailable: !phaAttempt || (phaAttempt.clientAuth.reason ?? '').includes(PHA_UNAVAILABLE),
    tls13Failures: plain.filter((a) => !isPha(a) && isTls13(a) && failedLikePha(a)),
    software: serverSoftware(input.attempts),
  };
}

/** How the server asks: only by TLS 1.2 renegotiation after the request. */
function renegotiationFindings({ byReneg, byHandshake }: ProbeContext): Finding[] {
  const out: Finding[] = [];
  if (byReneg && !byHandshake) {
    const a = byReneg.attempt;
    const hello = a.timeline.find((e) => e.message.startsWith('HelloRequest'));
    const request = a.timeline.find((e) => e.from === 'client' && e.message.startsWith('Application Data ('));
    out.push(
      finding(
        'server.renegotiation-client-cert',
        'The server asks for the client certificate only by renegotiation, after the request',
        'The first TLS handshake completes without a CertificateRequest; only after the HTTP request arrives does the server send a HelloRequest and ask for the certificate in a second handshake (IIS\'s default when "Negotiate Client Certificate" is off on the binding; Apache with SSLVerifyClient inside a <Location>). This works with TLS 1.2 clients only: TLS 1.3 has no renegotiation and HTTP/2 forbids it (RFC 8446, RFC 7540 9.2.1), so those clients get a reset, a 403.7 or nothing. Ask for the certificate in the first handshake instead (IIS: netsh http update sslcert ... clientcertnegotiation=enable; Apache: SSLVerifyClient at the virtual host).',
        [
          { kind: 'attempt', text: a.label },
          ...(request ? [{ kind: 'message', text: `${request.ms} ms client: ${request.message}` }] : []),
          ...(hello ? [{ kind: 'message', text: `${hello.ms} ms server: ${hello.message}` }] : []),
          ...requestEvidence(a, byReneg.request).slice(1),
        ],
      ),
    );
  }

  return out;
}

/** How the server asks over TLS 1.3: after the handshake, or not at all where TLS 1.2 asks. */
function tls13Findings({ byPha, byReneg, byHandshake, tls13Failures, phaAttempt, phaUnavailable, software }: ProbeContext): Finding[] {
  const out: Finding[] = [];
  if (byPha) {
    const a = byPha.attempt;
    const failing = tls13Failures[0];
    out.push(
      finding(
        'server.tls13-post-handshake-needed',
        'Over TLS 1.3 the server asks for the certificate only after the handshake (post-handshake authentication)',
        `Offered post_handshake_auth, the server sent its CertificateRequest after the TLS 1.3 handshake. Clients that do not offer it (Chrome, Edge, Safari, Node, curl builds without it, Firefox unless security.tls.enable_post_handshake_auth is set) ${failing ? `get what the probe got without it: ${statusLine(failing)}` : 'get a 403, an alert or a reset'} ${software === 'apache' ? ' (Apache logs AH10158 "cannot perform post-handshake authentication")' : ''}. Ask for the certificate in the handshake${software === 'apache' ? ' (SSLVerifyClient at the virtual host, not in a <Location>)' : software === 'nginx' || software === 'iis' ? '' : ' (Apache: SSLVerifyClient at the virtual host, not in a <Location>; other servers: their setting that verifies clients for the whole site)'}, or keep this site on TLS 1.2.`,
        [...requestEvidence(a, byPha.request), ...(failing ? [{ kind: 'without post_handshake_auth', text: `${failing.label}: ${statusLine(failing)}` }] : [])],
      ),
    );
  } else if (tls13Failures.length && (byReneg || byHandshake) && !byHandshake?.attempt.tls.version?.includes('1.3')) {
    const failing = tls13Failures[0]!;
    const tls12 = (byReneg ?? byHandshake)!.attempt;
    const evidence: Evidence[] = [
      { kind: 'TLS 1.3', text: `${failing.label}: ${statusLine(failing)}; no CertificateRequest` },
      { kind: 'TLS 1.2', text: `${tls12.label}: CertificateRequest by ${(byReneg ?? byHandshake)!.request.carriedBy}; ${statusLine(tls12)}` },
    ];
    if (byReneg && phaAttempt && !phaUnavailable && !phaAttempt.clientAuth.certificateRequest) {
      // Offered post_handshake_auth and still nothing: the server renegotiates under TLS 1.2 and has no TLS 1.3 way to ask.
      out.push(
        finding(
          'iis.tls13-with-renegotiation',
          'TLS 1.3 is enabled while the server asks for the certificate only by TLS 1.2 renegotiation',
          `Over TLS 1.2 the server renegotiates and asks for the certificate; over TLS 1.3, where renegotiation does not exist, it cannot ask at all, even from a client that offers post-handshake authentication: ${statusLine(failing)}. ${software === 'iis' || software === null ? 'This is the Windows Server 2022 / IIS case (TLS 1.3 resets, TLS 1.2 works).' : ''} Enable "Negotiate Client Certificate" on the binding so the certificate is asked in the handshake, or disable TLS 1.3 for this binding (netsh http update sslcert ... disabletls13=enable).`,
          [...evidence, { kind: 'post_handshake_auth offered', text: `${phaAttempt.label}: ${statusLine(phaAttempt)}; no CertificateRequest` }],
        ),
      );
    } else {
      out.push(
        finding(
          'server.tls13-post-handshake-needed',
          'Over TLS 1.3 the server fails where TLS 1.2 asks for the certificate',
          `Over TLS 1.2 the server asks for a certificate; over TLS 1.3 it sent no CertificateRequest and answered ${statusLine(failing)}. A TLS 1.3 server can only ask after the handshake from clients that offer post_handshake_auth, which most browsers and Node do not${phaUnavailable ? ' (the probe\'s own TLS 1.3 client was not available to confirm it)' : ''}. Ask for the certificate in the handshake, or keep this site on TLS 1.2.`,
          evidence,
          { severity: phaUnavailable ? 'warning' : 'error' },
        ),
      );
    }
  }

  return out;
}

/** The server never asks on this path, though it answered. */
function noRequestFindings({ plain, requests, phaAttempt, phaUnavailable }: ProbeContext): Finding[] {
  const out: Finding[] = [];
  const answered = plain.filter((a) => a.http !== null);
  if (!requests.length && answered.length) {
    const a = answered[0]!;
    const denied = a.http!.status === 401 || a.http!.status === 403;
    out.push(
      finding(
        'server.no-client-cert-request',
        'The server never asks for a client certificate on this path',
        `No attempt saw a CertificateRequest: not in the handshake, not by renegotiation after the request${phaAttempt && !phaUnavailable ? ', not after a TLS 1.3 handshake that offered post-handshake authentication' : ''}. The answer was ${statusLine(a)}. ${denied ? 'The server denies access yet never asks for a certificate: client-certificate negotiation is off (IIS: SSL Settings "Require"/"Accept" for this path, or clientcertnegotiation on the binding; nginx: ssl_verify_client; Apache: SSLVerifyClient).' : 'A client certificate is neither asked for nor needed here: check that the URL is the protected one.'}`,
        [
          ...plain.map((x) => ({ kind: 'attempt', text: `${x.label}: ${x.tls.version ?? 'no TLS'}; ${statusLine(x)}; ${x.clientAuth.reason ?? x.clientAuth.mode}` })),
        ],
        { severity: denied ? 'error' : 'warning' },
      ),
    );
  }

  return out;
}

/**
 * A TLS version the user forced, refused. Only when one version was forced (no default attempt, one
 * version tried): then "does it speak TLS 1.3?" was the question. When versions are compared, a
 * missing one is context, not a fault.
 */
function versionRefusedFindings(ctx: ProbeContext): Finding[] {
  const { plain } = ctx;
  const out: Finding[] = [];
  if (forcedVersion(ctx.attempts)) {
    for (const a of plain) {
      const refused = versionRefused(a);
      if (!refused) continue;
      out.push(
        finding(
          'server.tls-version-refused',
          `This server does not speak ${refused.version}`,
          `Asked for ${refused.version} only, the server refused it: ${refused.how}. Clients limited to ${refused.version} cannot connect; others fall back to a version the server offers. ${refused.version === 'TLS 1.3' ? 'On Windows Server 2022 and later TLS 1.3 is on by default; on older Windows it does not exist, and IIS bindings can turn it off (disabletls13).' : 'TLS 1.2 is what Windows clients and IIS use by default; a server without it refuses most clients.'}`,
          [{ kind: 'attempt', text: a.label }, { kind: 'answer', text: refused.how }],
        ),
      );
    }
  }

  return out;
}

/** What the CertificateRequest carries: a CA list over the Schannel limits (or too large to read), or none. */
function caListSizeFindings(ctx: ProbeContext): Finding[] {
  const { requests } = ctx;
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const { attempt, request } of requests) {
    const key = `${request.caNamesBytes}/${request.caNames.length}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (request.caNamesBytes > CA_LIST_OLD_LIMIT) {
      const over = request.caNamesBytes > CA_LIST_LIMIT;
      out.push(
        finding(
          'server.ca-list-too-large',
          over ? 'The CA names the server sends exceed 16,384 bytes' : 'The CA names the server sends exceed the older 12,228-byte limit',
          `The CertificateRequest names ${number(request.caNames.length)} CAs in ${number(request.caNamesBytes)} bytes. ${over ? `Windows Schannel (IIS) caps this list at ${number(CA_LIST_LIMIT)} bytes (${number(CA_LIST_OLD_LIMIT)} before KB 933430 on Windows Server 2003) and truncates it, logging Schannel event 36885 ("this server trusts so many certificate authorities that the list has grown too long"; logged only with EventLogging including warnings), so clients may not find their issuer and offer no certificate (403.7).` : `Windows Server 2003 without KB 933430 capped the list at ${number(CA_LIST_OLD_LIMIT)} bytes; current Schannel allows ${number(CA_LIST_LIMIT)}.`} Remove expired and unused roots from the server's Trusted Root store, or stop sending the list (SendTrustedIssuerList = 0, or Client Authentication Trust Mode with a dedicated CTL store).`,
          [...requestEvidence(attempt, request), { kind: 'limit', text: `${number(request.caNamesBytes)} > ${number(over ? CA_LIST_LIMIT : CA_LIST_OLD_LIMIT)} bytes` }],
          { severity: over ? 'error' : 'warning' },
        ),
      );
    }
    if (request.caNames.length === 0) {
      out.push(
        finding(
          'server.ca-list-empty',
          'The server asks for a certificate without naming any CA',
          'The CertificateRequest carries no CA names, so the client may offer any certificate it has (browsers then list all of them). This is normal for nginx with optional_no_ca and for Schannel with SendTrustedIssuerList = 0; the server still decides afterwards whether it trusts the certificate.',
          requestEvidence(attempt, request),
        ),
      );
    }
  }

  // A CertificateRequest too large to read at all: far past every client's limit, and the same finding.
  const huge = ctx.attempts.find((a) => a.oversized?.message === 'CertificateRequest');
  if (huge && !out.some((f) => f.id === 'server.ca-list-too-large')) {
    const o = huge.oversized!;
    out.push(
      finding(
        'server.ca-list-too-large',
        'The server sends a CertificateRequest too large to read',
        `The server's CertificateRequest declares ${number(o.declaredBytes)} bytes: over the ${number(o.limitBytes)} bytes the probe reads for one message, and far over the ${number(CA_LIST_LIMIT)} bytes of CA names Windows Schannel handles (KB 933430), so its names were not read. Clients give up or offer no certificate. Remove unused roots from the server's trusted store, or stop sending the list (SendTrustedIssuerList = 0, or Client Authentication Trust Mode with a dedicated CTL store).`,
        [
          { kind: 'attempt', text: huge.label },
          { kind: 'size', text: `CertificateRequest declares ${number(o.declaredBytes)} bytes` },
          { kind: 'limit', text: `${number(o.declaredBytes)} > ${number(CA_LIST_LIMIT)} bytes` },
        ],
      ),
    );
  }

  return out;
}

/** Whether the CA names are roots only or intermediates only, judged when every name is known here. */
function caListKindFindings(ctx: ProbeContext): Finding[] {
  const { firstRequest } = ctx;
  const out: Finding[] = [];
  if (firstRequest && firstRequest.request.caNames.length && ctx.knownCas?.length) {
    const kinds = new Map<string, 'root' | 'intermediate'>();
    for (const ca of ctx.knownCas) {
      const current = kinds.get(ca.subject);
      if (current !== 'root') kinds.set(ca.subject, ca.selfSigned ? 'root' : 'intermediate');
    }
    const names = firstRequest.request.caNames;
    const roots = names.filter((n) => kinds.get(n) === 'root');
    const intermediates = names.filter((n) => kinds.get(n) === 'intermediate');
    // Only a list whose every name is known is judged: an unknown name could be of either kind.
    const unknown = names.length - roots.length - intermediates.length;
    if (unknown === 0 && roots.length && !intermediates.length) {
      out.push(
        finding(
          'server.ca-list-roots-only',
          'The server names only root CAs',
          `Every CA name is that of a self-signed root certificate known here. Clients that match the list against their certificate's whole chain (Windows, browsers) find issuing CAs under these roots; clients that match only the direct issuer (some Java and embedded clients) will not offer a certificate issued by an intermediate.`,
          [{ kind: 'CA names', text: roots.slice(0, 5).join(' | ') + (roots.length > 5 ? ` ... (${roots.length})` : '') }],
        ),
      );
    } else if (unknown === 0 && intermediates.length && !roots.length) {
      out.push(
        finding(
          'server.ca-list-intermediates-only',
          'The server names only intermediate (issuing) CAs',
          `Every CA name is that of an intermediate (issuing) CA certificate known here. Clients offer certificates issued directly by them; a client that needs the root named (rare) will offer nothing.`,
          [{ kind: 'CA names', text: intermediates.slice(0, 5).join(' | ') + (intermediates.length > 5 ? ` ... (${intermediates.length})` : '') }],
        ),
      );
    }
  }

  return out;
}

/** The client certificate given: no CA of its chain is among the names sent. */
function issuerExcludedFindings(ctx: ProbeContext): Finding[] {
  const { firstRequest } = ctx;
  const out: Finding[] = [];
  const cc = ctx.clientCertificate;
  if (cc && firstRequest && firstRequest.request.caNames.length > 0) {
    const chainNames = new Set([cc.issuer, ...cc.chain.flatMap((c) => [c.subject, c.issuer])]);
    const named = firstRequest.request.caNames.filter((n) => chainNames.has(n));
    if (!named.length) {
      out.push(
        finding(
          'server.ca-list-excludes-issuer',
          'No CA of the client certificate\'s chain is among the CA names the server sends',
          `The server named ${number(firstRequest.request.caNames.length)} CA(s), but not "${cc.issuer}", the issuer of "${cc.subject}", nor any CA above it. Browsers and Windows then do not offer this certificate (the user sees no prompt and gets 403.7). Put the issuing CA (and its root) in the server's trusted store${firstRequest.request.caNamesBytes > CA_LIST_LIMIT * 0.9 ? ', and shorten the list, which is near or over the 16 KB limit' : ''}.`,
          [
            { kind: 'client certificate issuer', text: cc.issuer },
            ...cc.chain.map((c) => ({ kind: 'chain', text: c.subject })),
            { kind: 'CA names sent', text: firstRequest.request.caNames.slice(0, 5).join(' | ') + (firstRequest.request.caNames.length > 5 ? ` ... (${firstRequest.request.caNames.length})` : '') },
          ],
        ),
      );
    }
  }

  return out;
}

/**
 * The client certificate refused, in TLS or in HTTP. One finding per cause: the same alert, or the
 * same HTTP refusal, seen on several connections is one finding with each connection as its proof.
 */
function rejectedCertificateFindings(ctx: ProbeContext): Finding[] {
  const out: Finding[] = [];
  const presentedAttempts = ctx.attempts.filter((a) => a.clientCertificate.presented);
  const refusals = new Map<string, { title: string; detail: string; evidence: Evidence[] }>();
  const addRefusal = (key: string, make: () => { title: string; detail: string }, evidence: Evidence[]) => {
    const known = refusals.get(key);
    if (known) known.evidence.push(...evidence);
    else refusals.set(key, { ...make(), evidence });
  };
  for (const a of presentedAttempts) {
    const sent = a.timeline.find((e) => e.from === 'client' && /^Certificate \(\d+ certificate/.test(e.message));
    const alert = a.alerts.find((x) => x.from === 'server' && x.level === 'fatal' && isCertificateRejectionAlert(x.code) && (!sent || (x.ms ?? 0) >= sent.ms));
    if (alert) {
      addRefusal(
        `alert ${alert.code}`,
        () => ({
          title: `The server rejected the client certificate with alert ${alert.description}`,
          detail: `After the client sent its certificate the server ended the handshake with fatal alert ${alert.code} (${alert.description}). ${ALERT_HINTS[alert.code] ?? ''} On IIS the System log shows the reason as Schannel event 36887/36888 with the same alert number.`.trim(),
        }),
        [
          { kind: 'attempt', text: a.label },
          ...(sent ? [{ kind: 'message', text: `${sent.ms} ms client: ${sent.message}` }] : []),
          { kind: 'alert', text: `${alert.ms ?? '?'} ms server: Alert (fatal): ${alert.description} (${alert.code})` },
        ],
      );
      continue;
    }
    // Any other fatal alert after the certificate, with no answer: a refusal too, though the alert does not name the reason.
    const other = sent && !a.http ? a.alerts.find((x) => x.from === 'server' && x.level === 'fatal' && (x.ms ?? 0) >= sent.ms) : undefined;
    if (other) {
      addRefusal(
        `alert ${other.code}`,
        () => ({
          title: `The server ended the handshake after the client certificate, with alert ${other.description}`,
          detail: `After the client sent its certificate the server ended the handshake with fatal alert ${other.code} (${other.description}), which does not say what was wrong. ${OTHER_ALERT_HINTS[other.code] ?? 'The server\'s log says why.'} On IIS the System log shows the reason as Schannel event 36887/36888 with the same alert number.`,
        }),
        [
          { kind: 'attempt', text: a.label },
          { kind: 'message', text: `${sent!.ms} ms client: ${sent!.message}` },
          { kind: 'alert', text: `${other.ms ?? '?'} ms server: Alert (fatal): ${other.description} (${other.code})` },
        ],
      );
      continue;
    }
    const http = a.http;
    // IIS's 403.7/13/16/17 have findings of their own below; any other refusal in HTTP is said here.
    if (!http || !HTTP_REFUSALS.has(http.status) || (http.status === 403 && http.subStatus !== null && http.subStatus in SUB_STATUS)) continue;
    const software = serverSoftware([a]);
    addRefusal(
      `http ${http.status} ${http.message ?? ''}`,
      () => ({
        title: `The server refused the client certificate in HTTP: ${statusLine(a)}${http.message ? ` ("${http.message}")` : ''}`,
        detail: `The TLS handshake completed with the certificate, but the server answered ${statusLine(a)}${http.message ? ` with the page "${http.message}"` : ''}: it refused the client in HTTP rather than with a TLS alert. ${httpRefusalHint(http, software)}`.trim(),
      }),
      [
        { kind: 'attempt', text: a.label },
        { kind: 'status', text: `${statusLine(a)}${http.message ? `: ${http.message}` : ''}${http.server ? ` (Server: ${http.server})` : ''}` },
      ],
    );
  }
  for (const r of refusals.values()) out.push(finding('server.rejected-certificate', r.title, r.detail, r.evidence));

  return out;
}

/** IIS sub-status: with a client certificate given, what the server said to it; without one, to the plain attempts. */
function subStatusFindings(ctx: ProbeContext): Finding[] {
  const out: Finding[] = [];
  const presenting = ctx.attempts.filter((a) => a.clientCertificate.thumbprint !== null);
  const bySub = new Map<number, ProbeAttempt[]>();
  for (const a of presenting.length ? presenting : ctx.attempts) {
    const sub = a.http?.status === 403 ? a.http.subStatus : null;
    if (sub === null || !(sub in SUB_STATUS)) continue;
    bySub.set(sub, [...(bySub.get(sub) ?? []), a]);
  }
  for (const [sub, seenOn] of bySub) {
    const s = SUB_STATUS[sub as keyof typeof SUB_STATUS];
    out.push(finding(s.id, s.title, s.detail, seenOn.flatMap((a) => [{ kind: 'attempt', text: a.label }, { kind: 'status', text: statusLine(a) }])));
  }

  return out;
}

/** The probe was asked about one TLS version only (--tls 1.2 or 1.3): no default attempt, one forced kind. */
function forcedVersion(attempts: readonly ProbeAttempt[]): boolean {
  const kinds = new Set(attempts.filter((a) => a.kind !== 'post-handshake' && a.kind !== 'post-handshake-client-certificate' && a.kind !== 'client-certificate').map((a) => a.kind));
  return kinds.size === 1 && (kinds.has('tls1.2') || kinds.has('tls1.3'));
}

/** With one TLS version forced, the refusal every plain connection got; null otherwise. */
export function forcedVersionRefused(attempts: readonly ProbeAttempt[]): { version: string; how: string } | null {
  if (!forcedVersion(attempts)) return null;
  const refusals = plainAttempts([...attempts]).map(versionRefused);
  return refusals.length && refusals.every((r) => r !== null) ? refusals[0]! : null;
}

/**
 * A connection that forced one TLS version and was refused for it, with how: the server's alert
 * protocol_version (70) before any ServerHello (RFC 8446 4.2.1, RFC 5246 E.1), or a ServerHello for
 * another version that the client then refused (its own alert 70, "no TLS version in common").
 */
export function versionRefused(a: ProbeAttempt): { version: string; how: string } | null {
  const version = a.kind === 'tls1.2' ? 'TLS 1.2' : a.kind === 'tls1.3' ? 'TLS 1.3' : null;
  if (!version || a.http) return null;
  const serverHello = a.timeline.some((e) => e.from === 'server' && /^\*?ServerHello\b/.test(e.message));
  const serverAlert = a.alerts.find((x) => x.from === 'server' && x.code === 70);
  if (serverAlert && !serverHello) return { version, how: `it answered the ${version} ClientHello with alert protocol_version (70)` };
  const clientAlert = a.alerts.find((x) => x.from === 'client' && x.code === 70);
  if (clientAlert || /no TLS version in common/.test(a.error ?? '')) return { version, how: `it answered with another TLS version, which a ${version}-only client refuses` };
  return null;
}

/**
 * HTTP answers by which servers refuse a client certificate after the handshake: nginx's 400 ("No
 * required SSL certificate was sent", "The SSL certificate error"; its internal 495/496 become 400),
 * 401 and 403 (IIS's 403.x sub-statuses have findings of their own).
 */
const HTTP_REFUSALS: ReadonlySet<number> = new Set([400, 401, 403, 495, 496]);

/** The server software the probe saw in a Server header, or null: texts name it only when it was seen. */
export function serverSoftware(attempts: readonly ProbeAttempt[]): 'apache' | 'nginx' | 'iis' | null {
  for (const a of attempts) {
    const server = a.http?.server ?? '';
    if (/apache/i.test(server)) return 'apache';
    if (/nginx/i.test(server)) return 'nginx';
    if (/microsoft-iis/i.test(server)) return 'iis';
  }
  return null;
}

function httpRefusalHint(http: NonNullable<ProbeAttempt['http']>, software: ReturnType<typeof serverSoftware>): string {
  const message = http.message ?? '';
  if (software === 'nginx' || /SSL certificate/i.test(message)) {
    if (/No required SSL certificate/i.test(message)) return 'nginx says so when no certificate arrived (ssl_verify_client on): the client did not send one it had, or had none the CA list matched.';
    return 'nginx answers 400 "The SSL certificate error" when the certificate does not verify against ssl_client_certificate / ssl_trusted_certificate (unknown CA, incomplete chain, expired, or ssl_verify_depth too small); its error log says why ("client SSL certificate verify error").';
  }
  if (software === 'apache') return 'Apache answers 403 when SSLVerifyClient optional accepted the handshake but "Require ssl-verify-client" or an SSLRequire rule refused the certificate; its error log names the rule.';
  return 'The certificate reached the server, which does not accept it for this path: check which CAs and which certificates the application accepts, and its log for the reason.';
}

const ALERT_HINTS: Record<number, string> = {
  42: 'bad_certificate: the certificate or its signature could not be used.',
  43: 'unsupported_certificate: its key type, key usage or extended key usage is not accepted (Client Authentication missing?).',
  44: 'certificate_revoked: the issuing CA revoked it.',
  45: 'certificate_expired: it (or a certificate in its chain) is outside its validity period.',
  46: 'certificate_unknown: the server could not validate it (revocation list unreachable, chain incomplete or other).',
  48: 'unknown_ca: the server does not trust the CA that issued it; send the chain or add the CA to the server\'s trusted store.',
  49: 'access_denied: the certificate is valid but not allowed (mapping or authorisation).',
  116: 'certificate_required: the server needs a certificate and received none.',
};

/** What an alert outside 42-49 means when it ends the handshake right after the client's certificate. */
const OTHER_ALERT_HINTS: Record<number, string> = {
  51: 'decrypt_error there means the certificate\'s proof of its key (CertificateVerify, RFC 8446 4.4.3) did not verify: the private key does not belong to the certificate, or the server refused its signature algorithm.',
  80: 'GnuTLS answers internal_error when the client certificate does not verify against its trusted CAs (measured with gnutls-serv); other servers\' logs say why.',
};

const SUB_STATUS = {
  7: {
    id: 'http.403.7',
    title: 'IIS answered 403.7: client certificate required',
    detail: 'IIS needs a client certificate for this path and did not get one: the client had none whose issuer is in the server\'s CA list, declined to send it, or could not renegotiate (TLS 1.3, HTTP/2). Check the findings above about the CA list and how the server asks.',
  },
  13: {
    id: 'http.403.13',
    title: 'IIS answered 403.13: client certificate revoked',
    detail: 'The client certificate was received but its issuer lists it as revoked. Issue a new certificate to the user.',
  },
  16: {
    id: 'http.403.16',
    title: 'IIS answered 403.16: client certificate untrusted or invalid',
    detail: 'The client certificate was received but does not chain to a root in the server\'s Trusted Root store (or its revocation could not be checked). Install the issuing CA and root on the server (computer store), and check that the CRL/OCSP addresses are reachable from the server.',
  },
  17: {
    id: 'http.403.17',
    title: 'IIS answered 403.17: client certificate expired or not yet valid',
    detail: 'The client certificate was received but is outside its validity period. Check its dates and the clocks of client and server.',
  },
} as const;

/** One sentence for the top of a report: how the server asks, in the words of the field notes. */
export function summarizeProbe(result: Pick<ProbeResult, 'attempts' | 'clientAuth'>): string {
  const plain = plainAttempts(result.attempts);
  // A forced version refused on every connection: that is the answer.
  const refused = forcedVersionRefused(result.attempts);
  if (refused) return `The server does not speak ${refused.version}: ${refused.how}.`;
  const tls12 = plain.find((a) => isTls12(a) && a.clientAuth.certificateRequest) ?? plain.find((a) => isTls12(a) || a.kind === 'tls1.2');
  const tls13 = plain.find((a) => !isPha(a) && (isTls13(a) || a.kind === 'tls1.3'));
  const words: Record<string, string> = {
    handshake: 'asks for a client certificate in the first handshake',
    renegotiation: 'asks for a client certificate only by TLS 1.2 renegotiation after the request',
    'post-handshake': 'asks for a client certificate only after the TLS 1.3 handshake (post-handshake authentication)',
    none: 'does not ask for a client certificate',
    unknown: 'could not be observed asking for a client certificate',
  };
  let sentence = `The server ${words[result.clientAuth.mode]}`;
  if (tls13 && tls12 && tls13 !== tls12 && result.clientAuth.mode !== 'handshake') {
    sentence += `; over TLS 1.3: ${statusLine(tls13)}; over TLS 1.2: ${statusLine(tls12)}`;
  }
  return `${sentence}.`;
}
