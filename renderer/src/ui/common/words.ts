import { formatLocalDateTime } from '../../lib/dates';

/**
 * Plain words for what the services write for machines and logs: evidence labels as a
 * person says them ("IIS setting", not "Iis setting"), sentences that start with a file name keep
 * its case ("client.pfx: ..." stays client.pfx), times in the reader's local form rather than ISO,
 * and no internal store ids in the middle of a sentence.
 */

/** Evidence kinds whose plain label is not just the kind with its first letter raised. */
const KIND_WORD: Record<string, string> = {
  'iis setting': 'IIS setting',
  'iis-config': 'IIS configuration',
  'acl entry': 'ACL entry',
  acl: 'ACL',
  'sc-win32-status': 'Win32 status in the log',
  sslstream: 'Windows TLS client',
  netsh: 'netsh output',
  'registry-export': 'Registry export',
  url: 'Address',
  os: 'Operating system',
  wcf: 'WCF service',
  fin: 'Connection closed',
  'client-certificate': 'Client certificate',
};

const ACRONYMS = /\b(iis|acl|tls|http|https|url|ca|crl|ocsp|wcf|sni|eku|pfx|dn)\b/gi;

/** The label of one piece of evidence ("log line" -> "Log line", "iis setting" -> "IIS setting"). */
export function evidenceKindWord(kind: string): string {
  const known = KIND_WORD[kind.toLowerCase()];
  if (known) return known;
  const spaced = kind.replace(/[-_]/g, ' ').replace(ACRONYMS, (a) => a.toUpperCase());
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/**
 * A service's one-line message as the start of a sentence: the first letter raised, unless the
 * message starts with something whose case is part of it (a file name or path, an identifier).
 */
export function capitalise(text: string): string {
  const first = /^\S+/.exec(text)?.[0] ?? '';
  if (/[./\\]/.test(first.replace(/[.:,;]+$/, '')) || /^[a-z]+[A-Z]/.test(first)) return text;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const ISO_TIME = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})\b/g;
/** Store ids ("folder:/tmp/x", "anchor-folder:/usr/local/share/ca-certificates") before a path: the path is what a person knows. */
const STORE_ID = /\b(?:folder|anchor-folder|file|nss|trust-bundle|system):(?=\/|[A-Za-z]:\\)/g;

/** Evidence and notes as a person reads them: local times, paths without internal ids. */
export function plainText(text: string): string {
  return text.replace(ISO_TIME, (iso) => (Number.isNaN(Date.parse(iso)) ? iso : formatLocalDateTime(iso))).replace(STORE_ID, '');
}

/**
 * A finding's detail where it stands: a detail that points to "the findings above" reads wrong on
 * the first finding of a list, where nothing is above it.
 */
export function detailWhere(detail: string, first: boolean): string {
  if (!first) return detail;
  return detail.replace(/\bthe findings? (ranked )?above( about)?/gi, (_m, _ranked, about) => (about ? 'the other findings about' : 'the other findings'));
}
