import type { ServerEvidenceKind } from '../model/server';
import { netshFieldOfLabel, splitLabelLine } from './netsh-sslcert';
import { looksLikeCertutilStore, looksLikeStoreJson } from './store-export';
import { splitLines } from './text-decode';

/**
 * What an attached file is, by its content and never its name (DESIGN.md: `--attach` recognises
 * files by content): users rename exports, paste netsh output into "notes.txt", and save event
 * exports under any name. `head` is the decoded text of the first bytes (RECOGNIZE_HEAD_BYTES);
 * `bytes` the raw first bytes, for the binary kinds (zip bundles, DER certificates).
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

function looksLikeEventJson(text: string): boolean {
  return /"(?:Id|EventID)"\s*:\s*\d+/.test(text) && /"(?:TimeCreated|TimeGenerated|LevelDisplayName|ProviderName|Message)"\s*:/.test(text);
}

export function recognizeEvidence(head: string, bytes?: Uint8Array): ServerEvidenceKind {
  if (bytes) {
    if (isZip(bytes)) return 'bundle';
    if (isDer(bytes)) return 'certificate';
  } else if (head.startsWith('PK\u0003\u0004')) return 'bundle';

  const text = head.replace(/^\uFEFF/, '');
  const start = text.trimStart();
  if (/^(?:Windows Registry Editor Version 5\.00|REGEDIT4)\b/i.test(start)) return 'registry-export';
  if (/^#Software:\s*Microsoft Internet Information Services/im.test(text) || (/^#Fields:/m.test(text) && /^#(?:Version|Date|Software):/m.test(text))) return 'w3c-log';
  if (/-----BEGIN (?:TRUSTED |X509 )?CERTIFICATE-----/.test(text)) return 'certificate';
  if (start.startsWith('<')) {
    if (/<configuration[\s>]/.test(text) && /<system\.(?:applicationHost|webServer)[\s>]/.test(text)) return 'iis-config';
    if (/<Events[\s>]/.test(text) || /<Event\s+xmlns=["']http:\/\/schemas\.microsoft\.com\/win\/2004\/08\/events\/event["']/.test(text)) return 'schannel-events';
    return 'unknown';
  }
  // The server's stores (PowerShell JSON with RawData, or certutil -store text): before the event and
  // netsh checks, whose looser tests a certutil listing could otherwise satisfy.
  if (looksLikeStoreJson(text) || looksLikeCertutilStore(text)) return 'store-export';
  if ((start.startsWith('[') || start.startsWith('{')) && looksLikeEventJson(text)) return 'schannel-events';
  const firstLine = start.slice(0, start.search(/\r|\n|$/));
  if (/^"?(?:Level|Ebene)"?,/i.test(firstLine) && /(?:Event ID|Ereignis-ID)/i.test(firstLine)) return 'schannel-events';
  if (/^(?:Log Name|Protokollname):/i.test(firstLine) && /^(?:Source|Quelle):\s*Schannel/im.test(text)) return 'schannel-events';
  if (looksLikeNetsh(text)) return 'netsh-sslcert';
  return 'unknown';
}
