import { base64 } from '@peculiar/utils';
import { MAX_INPUT_FILE_BYTES, type ParsedReq, type Res } from '../../shared/contract';
import { inspectFileBytes } from '../../shared/cert/inspect';
import { CertbenchError } from '../../shared/errors';
import type { HandlerContext } from '../handlers';

/** `certs:inspect`: decode each uploaded file and summarise every certificate in it. */
export async function inspectCertificates(
  request: ParsedReq<'certs:inspect'>,
  ctx: Pick<HandlerContext, 'progress' | 'signal'>,
): Promise<Res<'certs:inspect'>> {
  const at = request.at ? new Date(request.at) : new Date();
  const files = [];
  for (const [i, file] of request.files.entries()) {
    if (ctx.signal.aborted) throw new CertbenchError('timeout', 'inspection cancelled');
    ctx.progress({ done: i, total: request.files.length, label: `Reading ${file.name}` });
    let bytes: Uint8Array;
    try {
      bytes = base64.decode(file.dataBase64);
    } catch {
      files.push({
        name: file.name,
        sizeBytes: 0,
        format: null,
        certificates: [],
        error: { code: 'bad-request' as const, message: `${file.name}: upload was not valid base64` },
      });
      continue;
    }
    files.push(await inspectFileBytes(file.name, bytes, at, MAX_INPUT_FILE_BYTES));
  }
  ctx.progress({ done: request.files.length, total: request.files.length, label: 'Done' });
  return { files };
}
