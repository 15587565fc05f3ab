/**
 * `certutil [-user] -store <name>` text, parsed (pure: text in, records out). Used by the Windows
 * adapter as the fallback when PowerShell cannot run (Constrained Language Mode, a broken profile,
 * policy), and by the Server side page for a server's store export attached as a file.
 * The format and its variants are in reference/windows-formats.md section 1; labels are localized
 * (section 0), so every label is a list of the spellings seen, and the thumbprint line is also
 * recognized by its shape alone.
 *
 * German spellings marked UNCERTAIN come from a third-party parser's test fixture (the reference says
 * so too); French, Spanish and Italian spellings are this project's OWN translations (UNCERTAIN: no
 * capture was found), which is why the thumbprint, separator and key rows are also recognized by shape.
 * An OEM code-page capture turns "ü" into U+FFFD (or "Ã¼" when UTF-8 is read as ANSI), so accented
 * letters match any one or two characters.
 *
 * Pasted text goes through the shared paste stage (shared/server/paste-noise.ts) first: the prompt
 * row's echoed command says whether the store was CurrentUser (`-user`) or LocalMachine, and rows the
 * console wrapped (a long subject or container name) are joined back where the next row cannot start
 * a certutil line of its own.
 */
import { stripPasteNoise } from '../server/paste-noise';

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
  /**
   * From the echoed command when its prompt row was pasted: CurrentUser with `-user`, LocalMachine
   * without (certutil's default); null when the command is not in the text (the output is the same).
   */
  location: 'LocalMachine' | 'CurrentUser' | null;
  /** The echoed command, when pasted. */
  command: string | null;
  /** What the paste stage removed, in words ("" when nothing). */
  pasteSummary: string;
  /** `Personal` in `My "Personal"` (localized). */
  friendlyName: string | null;
  certificates: CertutilCertificate[];
  /** The closing `CertUtil: -store command completed successfully.` line was seen. */
  completed: boolean;
  /** `CertUtil: -store command FAILED: 0x80090016 (...)` and the message line after it, joined. */
  failure: string | null;
}

/**
 * A label list as one pattern source: spellings joined, each accented letter standing for any one or
 * two characters (U+FFFD from an OEM capture, "Ã©" from UTF-8 read as ANSI), regex characters escaped.
 */
function spellings(...labels: string[]): string {
  return labels.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/[^ -~]/g, '.{1,2}')).join('|');
}
const colonLabel = (...labels: string[]) => new RegExp(`^(?:${spellings(...labels)})\\s*:\\s*(.*)$`, 'i');
const equalsLabel = (...labels: string[]) => new RegExp(`^(?:${spellings(...labels)})\\s*=\\s*(.*)$`, 'i');
const sentence = (...labels: string[]) => new RegExp(`^(?:${spellings(...labels)})\\.?$`, 'i');

// Labels followed by ":" (value after), in the order English, German, French, Spanish, Italian.
// German: Seriennummer, Aussteller, Zertifikathash(sha1) are in the reference; Antragsteller, Nicht
// vor, Nicht nach, Vorlage are UNCERTAIN (third-party fixture). French, Spanish, Italian: OWN translations.
const COLON_LABELS: [keyof Omit<CertutilCertificate, 'index' | 'archived' | 'key' | 'rootCertificate' | 'thumbprintSha1'>, RegExp][] = [
  ['serialNumber', colonLabel('Serial Number', 'Seriennummer', 'Numéro de série', 'Número de serie', 'Numero di serie')],
  ['issuer', colonLabel('Issuer', 'Aussteller', 'Émetteur', 'Emisor', 'Autorità emittente')],
  ['subject', colonLabel('Subject', 'Antragsteller', 'Objet', 'Sujeto', 'Soggetto')],
  ['notBefore', colonLabel('NotBefore', 'Nicht vor')],
  ['notAfter', colonLabel('NotAfter', 'Nicht nach')],
  ['template', colonLabel('Template', 'Vorlage', 'Modèle', 'Plantilla', 'Modello')],
];

const KEY_CONTAINER = equalsLabel('Key Container', 'Schlüsselcontainer', 'Conteneur de clé', 'Contenedor de claves', 'Contenitore chiave');
const UNIQUE_NAME = colonLabel('Unique container name', 'Eindeutiger Containername', 'Nom de conteneur unique', 'Nombre de contenedor único', 'Nome contenitore univoco');
// German "Einfacher Containername" is UNCERTAIN: no captured sample, formed like "Eindeutiger Containername".
const SIMPLE_NAME = colonLabel('Simple container name', 'Einfacher Containername', 'Nom de conteneur simple', 'Nombre de contenedor simple', 'Nome contenitore semplice');
const PROVIDER = equalsLabel('Provider', 'Anbieter', 'Fournisseur', 'Proveedor');
const PROVIDER_TYPE = /^ProviderType\s*=\s*(\d+)/i;
const KEY_SPEC = /^KeySpec\s*=\s*(\d+)/i;
const MACHINE_KEYSET = /^CRYPT_MACHINE_KEYSET\b/;
const SDDL = /^(?:O:|G:|D:)[A-Z]*[:(]/;
/** The SHA-1 line in any language: a label ending in "(sha1)" and exactly 20 bytes of hex. Key Id lines excluded. */
const CERT_HASH = /^(?!Key ?Id)[^:]*\(sha1\)\s*:\s*((?:[0-9a-f]{2} ?){19}[0-9a-f]{2})\s*$/i;
const SEPARATOR = /^=+\s*\S+\s+(\d+)\s*=+$/;
const ROOT = sentence('Root Certificate: Subject matches Issuer', 'Certificat racine : l\'objet correspond à l\'émetteur', 'Certificado raíz: el sujeto coincide con el emisor', 'Certificato radice: il soggetto corrisponde all\'autorità emittente');
const NON_ROOT = sentence('Non-root Certificate', 'Kein Stammzertifikat', 'Certificat non racine', 'Certificado no raíz', 'Certificato non radice');
const NOT_EXPORTABLE = sentence('Private key is NOT exportable', 'Der private Schlüssel ist NICHT exportierbar', 'La clé privée n\'est PAS exportable', 'La clave privada NO se puede exportar', 'La chiave privata NON è esportabile');
const NOT_PLAIN_EXPORTABLE = /^Private key is NOT plain text exportable$/i;
const MISSING_KEYSET = sentence('Missing stored keyset', 'Jeu de clés stocké manquant', 'Falta el conjunto de claves almacenado', 'Set di chiavi archiviato mancante');
const NO_KEY_INFO = sentence('No key provider information', 'Aucune information sur le fournisseur de clé', 'No hay información de proveedor de claves', 'Nessuna informazione sul provider della chiave');
const ENCRYPTION_TEST = sentence('Encryption test passed', 'Verschlüsselungstest wurde durchgeführt', 'Test de chiffrement réussi', 'Prueba de cifrado superada', 'Test crittografia superato');
const SIGNATURE_TEST = sentence('Signature test passed', 'Test de signature réussi', 'Prueba de firma superada', 'Test firma superato');
const TEST_FAILED = /^(?:Encryption|Signature) test FAILED/i;
const ARCHIVED = /^Archived!$/i;
/** The closing row in any language: certutil's verb and no error code (a failure always carries 0x........). */
const COMPLETED = /^CertUtil: -store\b(?!.*0x[0-9a-f]{8})/i;
const FAILED = /^CertUtil: -\w+ command FAILED: (.*)$/i;
const CERTUTIL_MESSAGE = /^CertUtil: (.*)$/i;
/** The command whose output this is (certutil's switches take - or /). */
const CERTUTIL_COMMAND = /\bcertutil(?:\.exe)?\b.*[-/](?:store|viewstore)\b/i;
const USER_SWITCH = /(?:^|\s)[-/]user\b/i;

/** Any row certutil itself prints, so a console-wrapped remainder (which matches none) can be told apart. */
function isCertutilRow(row: string): boolean {
  const line = row.trim();
  return (
    SEPARATOR.test(line) ||
    CERT_HASH.test(line) ||
    /^CertUtil:/i.test(line) ||
    [KEY_CONTAINER, UNIQUE_NAME, SIMPLE_NAME, PROVIDER, PROVIDER_TYPE, KEY_SPEC, MACHINE_KEYSET, SDDL, ROOT, NON_ROOT, NOT_EXPORTABLE, NOT_PLAIN_EXPORTABLE, MISSING_KEYSET, NO_KEY_INFO, ENCRYPTION_TEST, SIGNATURE_TEST, TEST_FAILED, ARCHIVED].some((re) => re.test(line)) ||
    COLON_LABELS.some(([, re]) => re.test(line)) ||
    // Other sentences and -v rows: "Signature matches Public Key", "CA Version: V0.0", "Cannot find ...".
    /^[\p{L}][\p{L} ()-]{1,60}(?::|=)\s/u.test(line)
  );
}

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

/** Parse one `certutil -store` (or `-store -v` key section) output, as printed or as pasted. */
export function parseCertutilStore(text: string): CertutilStoreDump {
  const paste = stripPasteNoise(text, { command: CERTUTIL_COMMAND, continues: (_row, next) => !isCertutilRow(next) });
  const dump: CertutilStoreDump = {
    store: null,
    friendlyName: null,
    location: paste.command ? (USER_SWITCH.test(paste.command) ? 'CurrentUser' : 'LocalMachine') : null,
    command: paste.command,
    pasteSummary: paste.summary,
    certificates: [],
    completed: false,
    failure: null,
  };
  const lines = paste.lines;
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
      // The header: `My "Personal"` or a bare store name, the last such row before the first
      // certificate (rows of other output pasted before it come first).
      const h = /^(\S+)(?:\s+"(.*)")?$/.exec(line);
      if (h && !/[\\/:]/.test(h[1]!)) {
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
