import { base64 } from '@peculiar/utils';
import type { ParsedReq, Res } from '../../../shared/contract';
import { CertbenchError } from '../../../shared/errors';
import type { HandlerContext } from '../../handlers';
import { systemTrust } from '../system-trust';
import { loadClientCredential, type CredentialInput } from './client-cert';
import { runProbe } from './probe';

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
  const client = request.clientCertificate
    ? await loadClientCredential(file(request.clientCertificate), request.keyFile ? file(request.keyFile) : undefined)
    : null;
  return runProbe({
    url: request.url,
    tls: request.tls,
    timeoutMs: request.timeoutMs,
    client,
    knownCertificates: (await systemTrust()).items.map((i) => i.der),
    signal: ctx.signal,
    onProgress: (done, total, label) => ctx.progress({ done, total, label }),
  });
}
