import type { DiagnoseInput } from '../../shared/contract';
import type { AreaFinding } from '../../shared/findings/rank';
import type { DiagnoseReport, DiagnoseStep } from '../../shared/model/diagnose';
import type { ServerEvidence } from '../../shared/model/server';
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
}

/**
 * The hints from the server evidence. The joins of netsh's revocation settings are the Windows
 * evidence readers' (shared/server); until they say, nothing is assumed: the default timeout, and
 * "could not check" a warning rather than an error.
 */
export function revocationHints(server: ServerEvidence): RevocationHints {
  void server;
  return {};
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
      return { value: checked, note: words.join('; ') };
    },
    certificate,
  );
}
