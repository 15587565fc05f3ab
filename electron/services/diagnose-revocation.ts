import type { DiagnoseInput } from '../../shared/contract';
import type { AreaFinding } from '../../shared/findings/rank';
import type { DiagnoseReport, DiagnoseStep } from '../../shared/model/diagnose';
import type { SslBinding } from '../../shared/model/server';
import { revocationPolicyFromEvidence } from '../../shared/server/revocation-policy';
import type { RevocationService } from './revocation/service';
import type { Work } from './work';

/**
 * Diagnose's revocation stage: the client certificate's chain checked against its CRL and OCSP
 * addresses (on by default; `--no-revocation` skips it), after the server stage so what the
 * server's configuration says can steer it (revocationHints).
 */

/** What the server evidence says about revocation checking on the binding in question. */
export interface RevocationHints {
  /** netsh http show sslcert "URL Retrieval Timeout" of the binding, in ms, when known. */
  timeoutMs?: number;
  /** The binding checks revocation (netsh "Verify Client Certificate Revocation: Enabled"), when known. */
  serverChecksRevocation?: boolean;
  /** Where that was read, in words. */
  source?: string;
}

/**
 * The hints from the binding that serves the URL (shared/server/revocation-policy.ts reads netsh
 * output and SslBindingInfo registry keys): its URL Retrieval Timeout (0 means Windows' default, so
 * Certbench's), clamped to what a request may ask, and whether it checks revocation at all. No
 * binding: nothing is assumed (the default timeout; "could not check" a warning, not an error).
 */
export function revocationHints(binding: SslBinding | null): RevocationHints {
  if (!binding) return {};
  const p = revocationPolicyFromEvidence({ binding });
  const timeout = p.urlRetrievalTimeoutMs;
  return {
    ...(timeout ? { timeoutMs: Math.min(Math.max(timeout, 100), 300_000) } : {}),
    ...(p.checks !== null ? { serverChecksRevocation: p.checks } : {}),
    ...(p.source ? { source: p.source } : {}),
  };
}

/** The part of Diagnose's running diagnosis this stage uses. */
export interface StageRunner {
  readonly work: Work;
  readonly found: AreaFinding[];
  step<T>(name: DiagnoseStep['name'], run: () => Promise<{ value: T; note: string; status?: DiagnoseStep['status'] }>, fallback: T): Promise<T>;
  skip(name: DiagnoseStep['name'], note: string): void;
}

type Certificate = DiagnoseReport['certificate'];

export async function checkRevocationStage(d: StageRunner, revocation: RevocationService, request: DiagnoseInput, certificate: Certificate, hints: RevocationHints, at: Date): Promise<Certificate> {
  if (request.revocation === false) {
    d.skip('revocation', 'not asked (--no-revocation)');
    return certificate;
  }
  const chain = certificate?.chain;
  if (!certificate || !chain) {
    d.skip('revocation', 'no client certificate chain to check');
    return certificate;
  }
  return d.step(
    'revocation',
    async () => {
      const [{ withRevocation }, { revocationFindings }] = await Promise.all([import('../../shared/revocation/apply'), import('../../shared/revocation/findings')]);
      const timeoutMs = hints.timeoutMs ?? request.revocationTimeoutMs;
      const answers = await revocation.checkPath(chain.best, { at, timeoutMs }, d.work);
      const opts = { serverChecksRevocation: hints.serverChecksRevocation };
      const checked = { ...certificate, ...withRevocation({ chain, verdict: certificate.verdict }, answers, opts) };
      const params = { thumbprint: certificate.summary.thumbprintSha1 };
      for (const f of revocationFindings(checked.chain.best.links, opts)) d.found.push({ finding: { ...f, params: { ...params, ...f.params } }, area: 'certificate' });
      const words = checked.chain.best.links.map((l) => `${l.commonName ?? l.subject}: ${l.revocation?.text ?? 'not checked'}`);
      if (hints.serverChecksRevocation !== undefined) words.push(`the server ${hints.serverChecksRevocation ? 'checks' : 'does not check'} revocation (${hints.source ?? 'server evidence'})`);
      return { value: checked, note: words.join('; ') };
    },
    certificate,
  );
}
