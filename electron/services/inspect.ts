import { base64 } from '@peculiar/utils';
import { MAX_INPUT_FILE_BYTES, type InspectedFileResult, type ParsedReq, type Res } from '../../shared/contract';
import { inspectFiles, type InspectInput } from '../../shared/cert/inspect';
import { CertbenchError } from '../../shared/errors';
import type { HandlerContext } from '../handlers';

/**
 * `certs:inspect`: decode each uploaded file and summarise every certificate and private key in it,
 * keys matched to certificates across all the files of the request (cert.pem + key.pem).
 */
export async function inspectCertificates(
  request: ParsedReq<'certs:inspect'>,
  ctx: Pick<HandlerContext, 'progress' | 'signal'>,
): Promise<Res<'certs:inspect'>> {
  const at = request.at ? new Date(request.at) : new Date();
  const decoded: (InspectInput | InspectedFileResult)[] = [];
  for (const [i, file] of request.files.entries()) {
    if (ctx.signal.aborted) throw new CertbenchError('timeout', 'inspection cancelled');
    ctx.progress({ done: i, total: request.files.length, label: `Reading ${file.name}` });
    try {
      decoded.push({ name: file.name, bytes: base64.decode(file.dataBase64), password: file.password });
    } catch {
      decoded.push({
        name: file.name,
        sizeBytes: 0,
        format: null,
        certificates: [],
        keys: [],
        error: { code: 'bad-request' as const, message: `${file.name}: upload was not valid base64` },
      });
    }
  }
  const readable = decoded.filter((d): d is InspectInput => 'bytes' in d);
  const inspected = await inspectFiles(readable, at, MAX_INPUT_FILE_BYTES);
  let next = 0;
  const files = decoded.map((d) => ('bytes' in d ? inspected[next++]! : d));
  ctx.progress({ done: request.files.length, total: request.files.length, label: 'Done' });
  return { files };
}
