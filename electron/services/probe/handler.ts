import type { ProbeFile, Res } from '../../../shared/contract';
import { CertbenchError } from '../../../shared/errors';
import type { CertificateRequestInfo, ProbeResult } from '../../../shared/model/probe';
import type { CommandRunner } from '../../platform/types';
import type { StoresService } from '../stores';
import type { SystemTrustSource } from '../system-trust';
import { quietWork, type Clock, type Work } from '../work';
import { requirePowerShell, storeClient, type ProbeVia } from './choose-client';
import { probeOffers, type OfferInput } from './offers';
import { runProbe, type TlsChoice } from './probe';
import { ONCE_WITH_POWERSHELL } from './plan';

/**
 * The probe as the window and the web mode ask for it: the same probe as `certbench probe`, with the
 * client certificate and key as uploaded files or a store certificate by thumbprint, progress per
 * attempt, and cancellation when the caller goes away; and which local certificates would be offered.
 */

export interface ProbeInput {
  url: string;
  tls: TlsChoice;
  once?: boolean;
  timeoutMs: number;
  clientCertificate?: ProbeFile;
  keyFile?: ProbeFile;
  thumbprint?: string;
  via?: ProbeVia;
}

export interface ProbeService {
  run: (input: ProbeInput, work: Work) => Promise<ProbeResult>;
  offers: (certificateRequest: CertificateRequestInfo | null, extra: OfferInput[], work: Work) => Promise<Res<'probe:offers'>>;
}

export function createProbeService(deps: { runner: CommandRunner; stores: StoresService; trust: SystemTrustSource; clock: Clock }): ProbeService {
  return {
    run: (input, work) => runProbeFor(input, work, deps),
    offers: (certificateRequest, extra, work) => probeOffers(certificateRequest, extra, work, { ...deps, at: deps.clock.now() }),
  };
}

async function runProbeFor(request: ProbeInput, ctx: Work, deps: { runner: CommandRunner; stores: StoresService; trust: SystemTrustSource }): Promise<ProbeResult> {
  // node-forge (PKCS#12) is loaded only when a certificate is presented.
  let client = request.clientCertificate ? await (await import('./client-cert')).loadClientCredential(request.clientCertificate, request.keyFile) : null;
  const via = request.via ?? 'auto';
  let sslStream: { thumbprint: string | null } | null = via === 'powershell' ? { thumbprint: null } : null;
  if (request.thumbprint) {
    const thumbprint = request.thumbprint.toUpperCase();
    const chosen = await storeClient(thumbprint, via, undefined, async () => (await deps.stores.listing(quietWork(ctx.signal), { refresh: false })).listing.certificates);
    if (chosen.kind === 'credential') client = chosen.credential;
    else sslStream = { thumbprint: chosen.thumbprint };
  }
  if (sslStream && request.once) throw new CertbenchError('bad-input', ONCE_WITH_POWERSHELL);
  if (sslStream) requirePowerShell();
  const trust = await deps.trust.roots();
  return runProbe({
    url: request.url,
    tls: request.tls,
    once: request.once === true,
    timeoutMs: request.timeoutMs,
    client,
    ...(sslStream ? { sslStream: { ...sslStream, runner: deps.runner } } : {}),
    knownCertificates: trust.items.map((i) => i.der),
    trust: trust.items,
    signal: ctx.signal,
    onProgress: (done, total, label) => ctx.progress({ done, total, label }),
  });
}
