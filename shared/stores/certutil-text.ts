/**
 * `certutil [-user] -store <name>` text, parsed (pure: text in, records out). Used by the Windows
 * adapter as the fallback when PowerShell cannot run (Constrained Language Mode, a broken profile,
 * policy), and by the Server side page for a server's store export attached as a file (issue 6/7).
 * The format and its variants are in reference/windows-formats.md section 1; labels are localized
 * (section 0), so every label is a list of the spellings seen, and the thumbprint line is also
 * recognized by its shape alone.
 *
 * German spellings marked UNCERTAIN come from a third-party parser's test fixture (the reference says
 * so too); an OEM code-page capture turns "ü" into U+FFFD, so those letters match any character.
 */

/**
 * CAPI keys from autoenrollment print `Key Container = <md5>_<GUID>` and a Simple container name
 * (reference section 1, Variant B): then the container name is itself the file name.
 * UNCERTAIN in the reference: the rule is from observed outputs, not documented.
 */
export const KEY_FILE_NAME = /^[0-9a-f]{32}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CertutilKey {
  /** `Key Container =` */
  container: string | null;
  /** `Unique container name:` (the key file's name when present). */
  uniqueName: string | null;
  /** `Simple container name:` (a friendly name; then the container name is the file name). */
  simpleName: string | null;
  /** `Provider =` */
  provider: string | null;
  /** `-v` only: ProviderType (0 = CNG KSP, 1 and up = CryptoAPI CSP). */
  providerType: number | null;
  /** `-v` only: KeySpec (0 AT_NONE, 1 AT_KEYEXCHANGE, 2 AT_SIGNATURE). */
  keySpec: number | null;
  /** `-v` only: CRYPT_MACHINE_KEYSET flag seen. */
  machineKeyset: boolean | null;
  /** `-v` only: the key's security descriptor (CSP keys). */
  sddl: string | null;
  /** The key file's name by the reference's rule: Unique name, else an md5_GUID container name. */
  fileName: string | null;
  /** false on "Private key is NOT exportable"; true when a key tested fine without it; null otherwise. */
  exportable: boolean | null;
  /** "Private key is NOT plain text exportable" (CNG): exportable only wrapped, if at all. */
  notPlainTextExportable: boolean;
  /** "Missing stored keyset": provider information present, the key cannot be opened. */
  missingKeyset: boolean;
  /** "No key provider information": no key associated. */
  noKeyProviderInfo: boolean;
  /** The key test line: passed encryption/signature, failed, or none printed. */
  test: 'encryption' | 'signature' | 'failed' | null;
}

export interface CertutilCertificate {
  index: number;
  archived: boolean;
  serialNumber: string | null;
  issuer: string | null;
  subject: string | null;
  /** Locale-formatted text as printed ("8/2/2027 11:16 PM", "01.01.2027 01:00"); not parsed on purpose. */
  notBefore: string | null;
  notAfter: string | null;
  /** Upper-case hex without spaces (spaced 2012-era and contiguous recent forms both normalized). */
  thumbprintSha1: string | null;
  /** true on "Root Certificate: Subject matches Issuer", false on "Non-root Certificate". */
  rootCertificate: boolean | null;
  template: string | null;
  key: CertutilKey;
}

export interface CertutilStoreDump {
  /** `My` in `My "Personal"`. */
  store: string | null;
  /** `Personal` in `My "Personal"` (localized). */
  friendlyName: string | null;
  certificates: CertutilCertificate[];
  /** The closing `CertUtil: -store command completed successfully.` line was seen. */
  completed: boolean;
  /** `CertUtil: -store command FAILED: 0x80090016 (...)` and the message line after it, joined. */
  failure: string | null;
}

/** Any character for a letter an OEM code page may have mangled (ü, ä, é). */
const U = '.';

// Labels followed by ":" (value after). German: Seriennummer, Aussteller, Zertifikathash(sha1) are in
// the reference; Antragsteller, Nicht vor, Nicht nach, Vorlage are UNCERTAIN (third-party fixture).
const COLON_LABELS: [keyof Omit<CertutilCertificate, 'index' | 'archived' | 'key' | 'rootCertificate' | 'thumbprintSha1'>, RegExp][] = [
  ['serialNumber', /^(?:Serial Number|Seriennummer)\s*:\s*(.*)$/i],
  ['issuer', /^(?:Issuer|Aussteller)\s*:\s*(.*)$/i],
  ['subject', /^(?:Subject|Antragsteller)\s*:\s*(.*)$/i],
  ['notBefore', /^(?:NotBefore|Nicht vor)\s*:\s*(.*)$/i],
  ['notAfter', /^(?:NotAfter|Nicht nach)\s*:\s*(.*)$/i],
  ['template', /^(?:Template|Vorlage)\s*:\s*(.*)$/i],
];

const KEY_CONTAINER = new RegExp(`^(?:Key Container|Schl${U}sselcontainer)\\s*=\\s*(.*)$`, 'i');
const UNIQUE_NAME = /^(?:Unique container name|Eindeutiger Containername)\s*:\s*(.*)$/i;
// German "Einfacher Containername" is UNCERTAIN: no captured sample, formed like "Eindeutiger Containername".
const SIMPLE_NAME = /^(?:Simple container name|Einfacher Containername)\s*:\s*(.*)$/i;
const PROVIDER = /^(?:Provider|Anbieter)\s*=\s*(.*)$/i;
const PROVIDER_TYPE = /^ProviderType\s*=\s*(\d+)/i;
const KEY_SPEC = /^KeySpec\s*=\s*(\d+)/i;
const MACHINE_KEYSET = /^CRYPT_MACHINE_KEYSET\b/;
const SDDL = /^(?:O:|G:|D:)[A-Z]*[:(]/;
/** The SHA-1 line in any language: a label ending in "(sha1)" and exactly 20 bytes of hex. Key Id lines excluded. */
const CERT_HASH = /^(?!Key ?Id)[^:]*\(sha1\)\s*:\s*((?:[0-9a-f]{2} ?){19}[0-9a-f]{2})\s*$/i;
const SEPARATOR = /^=+\s*\S+\s+(\d+)\s*=+$/;
const ROOT = /^(?:Root Certificate: Subject matches Issuer)$/i;
const NON_ROOT = /^(?:Non-root Certificate|Kein Stammzertifikat)$/i;
const NOT_EXPORTABLE = new RegExp(`^(?:Private key is NOT exportable|Der private Schl${U}ssel ist NICHT exportierbar)$`, 'i');
const NOT_PLAIN_EXPORTABLE = /^Private key is NOT plain text exportable$/i;
const MISSING_KEYSET = /^Missing stored keyset$/i;
const NO_KEY_INFO = /^No key provider information$/i;
const ENCRYPTION_TEST = new RegExp(`^(?:Encryption test passed|Verschl${U}sselungstest wurde durchgef${U}hrt)$`, 'i');
const SIGNATURE_TEST = /^Signature test passed$/i;
const TEST_FAILED = /^(?:Encryption|Signature) test FAILED/i;
const ARCHIVED = /^Archived!$/i;
const COMPLETED = new RegExp(`^CertUtil: -store(?: command completed successfully|-Befehl wurde erfolgreich ausgef${U}hrt)`, 'i');
const FAILED = /^CertUtil: -\w+ command FAILED: (.*)$/i;
const CERTUTIL_MESSAGE = /^CertUtil: (.*)$/i;
/** A pasted prompt line before the output ("C:\>certutil -store My", "PS C:\> certutil ..."). */
const PROMPT = /^(?:PS )?[A-Za-z]:\\[^>]*>/;

function emptyKey(): CertutilKey {
  return {
    container: null,
    uniqueName: null,
    simpleName: null,
    provider: null,
    providerType: null,
    keySpec: null,
    machineKeyset: null,
    sddl: null,
    fileName: null,
    exportable: null,
    notPlainTextExportable: false,
    missingKeyset: false,
    noKeyProviderInfo: false,
    test: null,
  };
}

function emptyCertificate(index: number): CertutilCertificate {
  return {
    index,
    archived: false,
    serialNumber: null,
    issuer: null,
    subject: null,
    notBefore: null,
    notAfter: null,
    thumbprintSha1: null,
    rootCertificate: null,
    template: null,
    key: emptyKey(),
  };
}

function finishKey(k: CertutilKey): void {
  if (k.uniqueName) k.fileName = k.uniqueName;
  else if (k.container && KEY_FILE_NAME.test(k.container)) k.fileName = k.container;
  // "NOT exportable" is printed only for keys that are not; a key that opened and tested without it is.
  if (k.exportable === null && k.test && k.test !== 'failed' && !k.notPlainTextExportable) k.exportable = true;
}

/** Parse one `certutil -store` (or `-store -v` key section) output. */
export function parseCertutilStore(text: string): CertutilStoreDump {
  const dump: CertutilStoreDump = { store: null, friendlyName: null, certificates: [], completed: false, failure: null };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
  let current: CertutilCertificate | null = null;
  let failureNext = false;
  let implicit = false;
  const finish = () => {
    if (current) {
      finishKey(current.key);
      dump.certificates.push(current);
    }
  };
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (failureNext) {
      const m = CERTUTIL_MESSAGE.exec(line);
      if (m) dump.failure = `${dump.failure}: ${m[1]}`;
      failureNext = false;
      if (m) continue;
    }
    const sep = SEPARATOR.exec(line);
    if (sep) {
      finish();
      current = emptyCertificate(Number(sep[1]));
      implicit = false;
      continue;
    }
    if (COMPLETED.test(line)) {
      dump.completed = true;
      continue;
    }
    const failed = FAILED.exec(line);
    if (failed) {
      dump.failure = failed[1] ?? line;
      failureNext = true;
      continue;
    }
    // A pasted fragment (no separator lines): a hash or key line starts a certificate of its own.
    if ((!current || implicit) && (CERT_HASH.test(line) || (!current && KEY_CONTAINER.test(line)))) {
      if (!current || current.thumbprintSha1 !== null) {
        finish();
        current = emptyCertificate(current ? current.index + 1 : 0);
        implicit = true;
      }
    }
    if (!current) {
      // The header: `My "Personal"` or a bare store name, possibly after a pasted prompt.
      if (PROMPT.test(line) || dump.store !== null) continue;
      const h = /^(\S+)(?:\s+"(.*)")?$/.exec(line);
      if (h) {
        dump.store = h[1] ?? null;
        dump.friendlyName = h[2] ?? null;
      }
      continue;
    }
    parseCertificateLine(current, line);
  }
  finish();
  return dump;
}

function parseCertificateLine(c: CertutilCertificate, line: string): void {
  const k = c.key;
  let m: RegExpExecArray | null;
  if (ARCHIVED.test(line)) c.archived = true;
  else if ((m = CERT_HASH.exec(line))) c.thumbprintSha1 = (m[1] ?? '').replace(/\s+/g, '').toUpperCase();
  else if ((m = KEY_CONTAINER.exec(line))) k.container = m[1] ?? null;
  else if ((m = UNIQUE_NAME.exec(line))) k.uniqueName = m[1] || null;
  else if ((m = SIMPLE_NAME.exec(line))) k.simpleName = m[1] || null;
  else if ((m = PROVIDER_TYPE.exec(line))) k.providerType = Number(m[1]);
  else if ((m = PROVIDER.exec(line))) k.provider = m[1] ?? null;
  else if ((m = KEY_SPEC.exec(line))) k.keySpec = Number(m[1]);
  else if (MACHINE_KEYSET.test(line)) k.machineKeyset = true;
  else if (SDDL.test(line) && k.container) k.sddl = line;
  else if (ROOT.test(line)) c.rootCertificate = true;
  else if (NON_ROOT.test(line)) c.rootCertificate = false;
  else if (NOT_EXPORTABLE.test(line)) k.exportable = false;
  else if (NOT_PLAIN_EXPORTABLE.test(line)) k.notPlainTextExportable = true;
  else if (MISSING_KEYSET.test(line)) k.missingKeyset = true;
  else if (NO_KEY_INFO.test(line)) k.noKeyProviderInfo = true;
  else if (ENCRYPTION_TEST.test(line)) k.test = 'encryption';
  else if (SIGNATURE_TEST.test(line)) k.test = 'signature';
  else if (TEST_FAILED.test(line)) k.test = 'failed';
  else {
    for (const [field, re] of COLON_LABELS) {
      const lm = re.exec(line);
      if (lm) {
        if (c[field] === null) c[field] = lm[1] ?? '';
        return;
      }
    }
  }
}
