import { MAX_ATTACHMENTS, MAX_INPUT_FILE_BYTES, type DiagnoseRequest } from '../../../../shared/contract';
import { formatBytes } from '../../../../shared/errors';
import { isPkcs12Name } from '../../lib/file-kind';
import { normaliseUrl } from '../probe/use-probe';

/**
 * From the Diagnose form to a findings:diagnose request (DiagnoseRequestSchema), and the checks a
 * user gets told about at once (too many or too large evidence files) rather than by the service.
 * Pure: the files are read elsewhere; here they are already { name, dataBase64 }.
 */

/** The client certificate as chosen: none, a file (with its key file and password), or a store certificate. */
export type CertificateChoice<F> =
  | { kind: 'none' }
  | { kind: 'file'; file: F; keyFile: F | null; password: string }
  | { kind: 'store'; thumbprint: string; label: string; via: 'auto' | 'powershell' };

export interface ReadFile {
  name: string;
  dataBase64: string;
}

export interface DiagnoseFormValues<F> {
  url: string;
  certificate: CertificateChoice<F>;
  identity: string;
  attachments: F[];
  live: boolean;
  /** Check the client certificate's chain for revocation (absent: yes, as the CLI does). */
  revocation?: boolean;
}

export { isPkcs12Name } from '../../lib/file-kind';

/** The request for values whose files have been read; empty fields are left out, the URL gets its https://. */
export function diagnoseRequest(values: DiagnoseFormValues<ReadFile>): DiagnoseRequest {
  const url = normaliseUrl(values.url);
  const identity = values.identity.trim();
  const cert = values.certificate;
  const password = cert.kind === 'file' && cert.password !== '' ? { password: cert.password } : {};
  return {
    ...(url ? { url } : {}),
    ...(cert.kind === 'file' ? { clientCertificate: { fileName: cert.file.name, dataBase64: cert.file.dataBase64, ...password } } : {}),
    ...(cert.kind === 'file' && cert.keyFile && !isPkcs12Name(cert.file.name) ? { keyFile: { fileName: cert.keyFile.name, dataBase64: cert.keyFile.dataBase64, ...password } } : {}),
    ...(cert.kind === 'store' ? { thumbprint: cert.thumbprint, ...(cert.via === 'powershell' ? { via: 'powershell' as const } : {}) } : {}),
    ...(identity ? { identity } : {}),
    attachments: values.attachments.map((a) => ({ name: a.name, dataBase64: a.dataBase64 })),
    live: values.live,
    ...(values.revocation === false ? { revocation: false } : {}),
  };
}

/**
 * The request as kept for the Bundles page (report-context.ts): the same, without the passwords,
 * which are used once and never kept.
 */
export function withoutSecrets(request: DiagnoseRequest): DiagnoseRequest {
  const { clientCertificate, keyFile, ...rest } = request;
  const strip = <T extends { password?: string }>(f: T): Omit<T, 'password'> => {
    const { password: _password, ...kept } = f;
    return kept;
  };
  return {
    ...rest,
    ...(clientCertificate ? { clientCertificate: strip(clientCertificate) } : {}),
    ...(keyFile ? { keyFile: strip(keyFile) } : {}),
  };
}

/**
 * Add evidence files to the list: the same file twice is kept once, files above the input limit and
 * files past the 50th are refused, each refusal said in one line naming the file.
 */
export function addAttachments<F extends { name: string; size: number }>(current: readonly F[], added: readonly F[]): { files: F[]; errors: string[] } {
  const files = [...current];
  const errors: string[] = [];
  for (const f of added) {
    if (files.some((x) => x.name === f.name && x.size === f.size)) continue;
    if (f.size > MAX_INPUT_FILE_BYTES) {
      errors.push(`${f.name}: ${formatBytes(f.size)}; evidence files are at most ${formatBytes(MAX_INPUT_FILE_BYTES)} here (for a larger log, use certbench diagnose --attach).`);
      continue;
    }
    if (files.length >= MAX_ATTACHMENTS) {
      errors.push(`${f.name}: not added; one diagnosis takes at most ${MAX_ATTACHMENTS} evidence files.`);
      continue;
    }
    files.push(f);
  }
  return { files, errors };
}

/** A one-line description of what will be diagnosed, for the collapsed form ("https://… with alice.pfx, as IIS AppPool\Shop, 2 files"). */
export function inputSummary(values: DiagnoseFormValues<{ name: string }>): string {
  const parts: string[] = [];
  const url = normaliseUrl(values.url);
  parts.push(url || 'No server address (local checks only)');
  if (values.certificate.kind === 'file') parts.push(`certificate ${values.certificate.file.name}`);
  if (values.certificate.kind === 'store') parts.push(`certificate ${values.certificate.label}`);
  if (values.identity.trim()) {
    // A key that came in an uploaded file is not a file on this machine: nobody's access to it can be checked (say so, not "read as").
    const uploaded = values.certificate.kind === 'file';
    parts.push(uploaded ? `${values.identity.trim()} (not checked: the key is in the uploaded file)` : `can ${values.identity.trim()} read the key`);
  }
  if (values.attachments.length) parts.push(`${values.attachments.length} evidence file${values.attachments.length === 1 ? '' : 's'}`);
  if (values.live) parts.push("this machine's server settings");
  return parts.join(' · ');
}
