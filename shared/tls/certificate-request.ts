import { readName } from '../cert/names';
import type { CertificateRequestInfo } from '../model/probe';
import type { HandshakeMessage } from './handshake';
import { parseCertificateRequest12, parseCertificateRequest13 } from './messages';

/**
 * A CertificateRequest as the probe reports it (DESIGN.md "certbench probe"): every CA name as an RFC
 * 4514 string, the CA list's bytes (compared with the 16,384 / 12,228-byte Schannel limits), the
 * message's bytes and the records it spanned.
 */

/** A name the DER reader cannot read is still shown, as RFC 4514 2.4's '#' + hex, so nothing is hidden. */
export function caNameString(der: Uint8Array): string {
  try {
    const name = readName(der);
    return name.rfc4514 || '(empty name)';
  } catch {
    return `#${hex(der.subarray(0, 512))}${der.length > 512 ? '…' : ''}`;
  }
}

export function describeCertificateRequest(
  message: HandshakeMessage,
  tls13: boolean,
  carriedBy: CertificateRequestInfo['carriedBy'],
): CertificateRequestInfo {
  const parsed = tls13 ? parseCertificateRequest13(message.body) : parseCertificateRequest12(message.body);
  return {
    caNames: parsed.caNames.map(caNameString),
    caNamesBytes: parsed.caNamesBytes,
    messageBytes: message.bytes,
    records: message.records,
    signatureAlgorithms: parsed.signatureAlgorithmNames,
    certificateTypes: parsed.certificateTypeNames,
    carriedBy,
  };
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
