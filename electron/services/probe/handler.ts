import { base64 } from '@peculiar/utils';
import type { ParsedReq, Res } from '../../../shared/contract';
import { CertbenchError } from '../../../shared/errors';
import type { HandlerContext } from '../../handlers';
import { systemTrust } from '../system-trust';
import { loadClientCredential, type CredentialInput } from './client-cert';
import { runProbe } from './probe';
import { requirePowerShell, storeClient } from './choose-client';
import { listing } from '../stores';
import { serviceContext } from '../context';

/**
 * `probe:run`: the same probe as `certbench probe`, with the client certificate and key uploaded as
 * base64 (only plain data crosses the boundary), progress per attempt, and cancellation when the
 * caller goes away.
 */
export async function runProbeHandler(request: ParsedReq<'probe:run'>, ctx: Pick<HandlerContext, 'progress' | 'signal'>): Promise<Res<'probe:run'>> {
  const file = (f: { fileName: string; dataBase64: string; password?: string }): CredentialInput => {
    try {
      return { fileName: f.fileName, bytes: base64.decode(f.dataBase64), password: f.password };
    } catch {
      throw new CertbenchError('bad-request', `${f.fileName}: upload was not valid base64`);
    }
  };
  let client = request.clientCertificate
    ? await loadClientCredential(file(request.clientCertificate), request.keyFile ? file(request.keyFile) : undefined)
    : null;
  const via = request.via ?? 'auto';
  let sslStream: { thumbprint: string | null } | null = via === 'powershell' ? { thumbprint: null } : null;
  if (request.thumbprint) {
    const thumbprint = request.thumbprint.toUpperCase();
    const chosen = await storeClient(thumbprint, via, undefined, async () => (await listing({ progress: () => undefined, signal: ctx.signal }, { refresh: false })).listing.certificates);
    if (chosen.kind === 'credential') client = chosen.credential;
    else sslStream = { thumbprint: chosen.thumbprint };
  }
  if (sslStream) requirePowerShell();
  return runProbe({
    url: request.url,
    tls: request.tls,
    timeoutMs: request.timeoutMs,
    client,
    ...(sslStream ? { sslStream: { ...sslStream, runner: serviceContext().runner } } : {}),
    knownCertificates: (await systemTrust()).items.map((i) => i.der),
    trust: (await systemTrust()).items,
    signal: ctx.signal,
    onProgress: (done, total, label) => ctx.progress({ done, total, label }),
  });
}
