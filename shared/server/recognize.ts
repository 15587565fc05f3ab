import type { ServerEvidenceKind } from '../model/server';
import { netshFieldOfLabel, splitLabelLine } from './netsh-sslcert';
import { stripPasteNoise } from './paste-noise';
import { looksLikeCertFormatList, looksLikeCertutilStore, looksLikeStoreJson } from './store-export';
import { splitLines } from './text-decode';
import { FIREWALL_LOG, FIREWALL_LOG_MESSAGE } from './w3c-log';

/**
 * What an attached file is, by its content and never its name (DESIGN.md: `--attach` recognises
 * files by content): users rename exports, paste netsh output into "notes.txt", and save event
 * exports under any name. `head` is the decoded text of the first bytes (RECOGNIZE_HEAD_BYTES);
 * `bytes` the raw first bytes, for the binary kinds (zip bundles, DER certificates).
 *
 * Pasted text is recognised after the shared paste stage (paste-noise.ts) has removed prompts and
 * their rows, so `PS C:\> Get-Content web.config` above the XML or whoami's output above netsh's does
 * not hide what the text is. Look-alikes that are not evidence here get a one-line reason (lookAlike).
 */

export const RECOGNIZE_HEAD_BYTES = 64 * 1024;

/** A zip's local file header: "PK\x03\x04"; an empty zip starts with the end record "PK\x05\x06". */
function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 0x03 && b[3] === 0x04) || (b[2] === 0x05 && b[3] === 0x06));
}

/** DER SEQUENCE with a long-form length, as every certificate (and PKCS#12) starts: 30 81 / 30 82 / 30 83. */
function isDer(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x30 && (b[1] === 0x81 || b[1] === 0x82 || b[1] === 0x83);
}

function looksLikeNetsh(text: string): boolean {
  if (/SSL Certificate bindings\s*:|SSL-Zertifikatbindungen\s*:/i.test(text)) return true;
  let key = false;
  let hash = false;
  for (const line of splitLines(text).slice(0, 400)) {
    const parts = splitLabelLine(line);
    if (!parts) continue;
    const field = netshFieldOfLabel(parts.label);
    if (field === 'ipport' || field === 'hostnameport' || field === 'ccs') key = true;
    else if (field === 'certificateHash' || (key && /^[0-9a-f]{40}$/i.test(parts.value))) hash = true;
    if (key && hash) return true;
  }
  return false;
}

/** The W3C extended log header of IIS: its #Fields line names IIS's own fields. */
const IIS_FIELDS = /^#Fields:[^\r\n]*\b(?:sc-status|cs-uri-stem|s-sitename|cs-method)\b/m;

/**
 * Why a text that looks like evidence is not evidence this page reads, in one line; null when it is
 * not one of the known look-alikes. The caller names the input before it.
 */
export function lookAlike(head: string): string | null {
  const text = stripPasteNoise(head).text;
  if (FIREWALL_LOG.test(text)) return FIREWALL_LOG_MESSAGE;
  if (/^Path\s*: /m.test(text) && /^Access\s*: /m.test(text) && /^Sddl\s*: /m.test(text)) {
    return 'a file ACL (Get-Acl | Format-List): it answers who may read a key file, which the Private keys page reads from the machine; it is not server configuration';
  }
  // icacls: rows ending in access entries such as "BUILTIN\\Users:(I)(RX)", two or more of them.
  if ((text.match(/\S:(?:\((?:[A-Z]{1,4}(?:, ?[A-Z]{1,4})*)\))+$/gm)?.length ?? 0) >= 2) {
    return 'a file ACL (icacls output): it answers who may read a key file, which the Private keys page reads from the machine; it is not server configuration';
  }
  return null;
}

function looksLikeEventJson(text: string): boolean {
  return /"(?:Id|EventID)"\s*:\s*\d+/.test(text) && /"(?:TimeCreated|TimeGenerated|LevelDisplayName|ProviderName|Message)"\s*:/.test(text);
}

export function recognizeEvidence(head: string, bytes?: Uint8Array): ServerEvidenceKind {
  if (bytes) {
    if (isZip(bytes)) return 'bundle';
    if (isDer(bytes)) return 'certificate';
  } else if (head.startsWith('PK\u0003\u0004')) return 'bundle';

  const text = stripPasteNoise(head).text;
  const start = text.trimStart();
  if (/^(?:Windows Registry Editor Version 5\.00|REGEDIT4)\b/i.test(start)) return 'registry-export';
  // A .reg paste that lost its first row: key rows and value rows in regedit's syntax.
  if (/^\[HKEY_(?:LOCAL_MACHINE|CURRENT_USER|USERS|CURRENT_CONFIG|CLASSES_ROOT)\\[^\r\n]*\]\s*$/m.test(start) && /^(?:"[^"\r\n]*"|@)=(?:dword:|hex|")/m.test(start)) return 'registry-export';
  if (FIREWALL_LOG.test(text)) return 'unknown';
  // An IIS log, with its header block or from its #Fields row on (an excerpt).
  if (/^#Software:\s*Microsoft Internet Information Services/im.test(text) || IIS_FIELDS.test(text) || (/^#Fields:/m.test(text) && /^#(?:Version|Date|Software):/m.test(text))) return 'w3c-log';
  if (/-----BEGIN (?:TRUSTED |X509 )?CERTIFICATE-----/.test(text)) return 'certificate';
  const xml = /^\s*<(?:\?xml|!--|configuration|system\.|location|Events?[\s>])/m.exec(text);
  if (start.startsWith('<') || xml) {
    const body = xml ? text.slice(xml.index) : text;
    // applicationHost.config or web.config, or a fragment of one (<system.serviceModel> alone, <location>).
    if (/<configuration[\s>]/.test(body) && /<system\.(?:applicationHost|webServer|serviceModel)[\s>]/.test(body)) return 'iis-config';
    if (/^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:system\.webServer|system\.serviceModel|system\.applicationHost|location)[\s>]/.test(body)) return 'iis-config';
    if (/<Events[\s>]/.test(body) || /<Event\s+xmlns=["']http:\/\/schemas\.microsoft\.com\/win\/2004\/08\/events\/event["']/.test(body)) return 'schannel-events';
    if (start.startsWith('<')) return 'unknown';
  }
  // The server's stores (PowerShell JSON with RawData, or certutil -store text): before the event and
  // netsh checks, whose looser tests a certutil listing could otherwise satisfy.
  if (looksLikeStoreJson(text) || looksLikeCertutilStore(text) || looksLikeCertFormatList(text)) return 'store-export';
  if ((start.startsWith('[') || start.startsWith('{')) && looksLikeEventJson(text)) return 'schannel-events';
  const firstLine = start.slice(0, start.search(/\r|\n|$/));
  if (/^"?(?:Level|Ebene)"?,/i.test(firstLine) && /(?:Event ID|Ereignis-ID)/i.test(firstLine)) return 'schannel-events';
  if (/^(?:Log Name|Protokollname):/i.test(firstLine) && /^(?:Source|Quelle):\s*Schannel/im.test(text)) return 'schannel-events';
  if (looksLikeNetsh(text)) return 'netsh-sslcert';
  return 'unknown';
}
