/**
 * IIS writes `sc-win32-status` as an unsigned decimal: a Win32 error code or an HRESULT
 * (reference section 7). An engineer reads them as hex with the winerror.h name, so decode once here.
 * Values are winerror.h constants; only 403.16 -> 2148204809 (CERT_E_UNTRUSTEDROOT) is documented by
 * Microsoft for IIS (KB 2802568), the others are what the code means wherever it shows up.
 */

interface Known {
  name: string;
  meaning: string;
}

/** Plain Win32 error codes (winerror.h), small numbers. */
const WIN32: Record<number, Known> = {
  0: { name: 'ERROR_SUCCESS', meaning: 'success' },
  2: { name: 'ERROR_FILE_NOT_FOUND', meaning: 'the file was not found' },
  3: { name: 'ERROR_PATH_NOT_FOUND', meaning: 'the path was not found' },
  5: { name: 'ERROR_ACCESS_DENIED', meaning: 'access is denied' },
  50: { name: 'ERROR_NOT_SUPPORTED', meaning: 'the request is not supported' },
  // Reference 7: the client or a proxy closed or reset the connection before IIS finished.
  64: { name: 'ERROR_NETNAME_DELETED', meaning: 'the connection was closed by the client or a proxy before IIS finished' },
  121: { name: 'ERROR_SEM_TIMEOUT', meaning: 'the semaphore timeout period expired (network timeout)' },
  995: { name: 'ERROR_OPERATION_ABORTED', meaning: 'the I/O operation was aborted (thread exit or application request)' },
  1236: { name: 'ERROR_CONNECTION_ABORTED', meaning: 'the connection was aborted by the local system' },
  1326: { name: 'ERROR_LOGON_FAILURE', meaning: 'unknown user name or bad password' },
};

/** HRESULTs of the certificate family (winerror.h), keyed by their unsigned value. */
const HRESULTS: Record<number, Known> = {
  0x800b0101: { name: 'CERT_E_EXPIRED', meaning: 'the certificate has expired or is not yet valid' },
  0x800b0109: { name: 'CERT_E_UNTRUSTEDROOT', meaning: 'the certificate chain ends in a root that is not trusted' },
  0x800b010a: { name: 'CERT_E_CHAINING', meaning: 'the chain could not be built to a trusted root' },
  0x800b010c: { name: 'CERT_E_REVOKED', meaning: 'the certificate was revoked by its issuer' },
  0x800b010e: { name: 'CERT_E_REVOCATION_FAILURE', meaning: 'revocation could not be checked' },
  0x800b010f: { name: 'CERT_E_CN_NO_MATCH', meaning: 'the certificate name does not match' },
  0x800b0110: { name: 'CERT_E_WRONG_USAGE', meaning: 'the certificate is not valid for the requested usage (EKU)' },
  0x800b0112: { name: 'CERT_E_UNTRUSTEDCA', meaning: 'a CA in the chain is not trusted for this purpose' },
  0x80092010: { name: 'CRYPT_E_REVOKED', meaning: 'the certificate is revoked' },
  0x80092012: { name: 'CRYPT_E_NO_REVOCATION_CHECK', meaning: 'the revocation function could not check revocation' },
  0x80092013: { name: 'CRYPT_E_REVOCATION_OFFLINE', meaning: 'revocation could not be checked because the server was offline' },
  // SSPI / Schannel (winerror.h): what SslStream's Win32Exception carries when a TLS handshake fails on Windows.
  0x80090302: { name: 'SEC_E_UNSUPPORTED_FUNCTION', meaning: 'the TLS version or function asked for is not enabled on this machine (often TLS 1.3 or TLS 1.2 disabled in the SCHANNEL Protocols keys)' },
  0x80090304: { name: 'SEC_E_INTERNAL_ERROR', meaning: 'Schannel hit an internal error; with a client certificate this is often a private key Windows cannot use (CSP/KSP, ACL, or a TLS 1.3 key type it cannot sign with)' },
  0x80090308: { name: 'SEC_E_INVALID_TOKEN', meaning: 'the server sent something that is not a valid TLS message' },
  0x8009030d: { name: 'SEC_E_UNKNOWN_CREDENTIALS', meaning: 'the client certificate\'s private key could not be used (missing, not readable by this account, or not a key Schannel can sign with)' },
  0x8009030e: { name: 'SEC_E_NO_CREDENTIALS', meaning: 'no credentials are available: the certificate has no usable private key for this account' },
  0x8009030f: { name: 'SEC_E_MESSAGE_ALTERED', meaning: 'a TLS record failed its integrity check' },
  0x80090317: { name: 'SEC_E_CONTEXT_EXPIRED', meaning: 'the TLS session was closed (the server sent close_notify or the context expired)' },
  0x80090318: { name: 'SEC_E_INCOMPLETE_MESSAGE', meaning: 'the connection ended in the middle of a TLS message' },
  0x80090320: { name: 'SEC_E_INCOMPLETE_CREDENTIALS', meaning: 'the server asked for a client certificate and none was supplied' },
  0x80090321: { name: 'SEC_E_BUFFER_TOO_SMALL', meaning: 'a TLS message was larger than Schannel\'s buffer' },
  0x80090322: { name: 'SEC_E_WRONG_PRINCIPAL', meaning: 'the server\'s certificate does not match the host name' },
  0x80090324: { name: 'SEC_E_TIME_SKEW', meaning: 'the clocks of client and server differ too much' },
  0x80090325: { name: 'SEC_E_UNTRUSTED_ROOT', meaning: 'the certificate chain was issued by an authority that is not trusted' },
  0x80090326: { name: 'SEC_E_ILLEGAL_MESSAGE', meaning: 'the peer sent a fatal TLS alert or a message Schannel could not accept (the alert number is in Schannel event 36887 / 36888 in the System log)' },
  0x80090327: { name: 'SEC_E_CERT_UNKNOWN', meaning: 'an unknown error occurred while processing the certificate' },
  0x80090328: { name: 'SEC_E_CERT_EXPIRED', meaning: 'the received certificate has expired' },
  0x80090330: { name: 'SEC_E_DECRYPT_FAILURE', meaning: 'a TLS record could not be decrypted' },
  0x80090331: { name: 'SEC_E_ALGORITHM_MISMATCH', meaning: 'client and server have no TLS version, cipher suite or signature algorithm in common' },
  0x80090349: { name: 'SEC_E_CERT_WRONG_USAGE', meaning: 'the certificate is not valid for the requested usage' },
  0x80090350: { name: 'SEC_E_DOWNGRADE_DETECTED', meaning: 'a TLS version downgrade was detected' },
  0x80090352: { name: 'SEC_E_ISSUING_CA_UNTRUSTED', meaning: 'the issuing CA of the certificate is not trusted' },
  0x80090367: { name: 'SEC_E_APPLICATION_PROTOCOL_MISMATCH', meaning: 'no application protocol (ALPN) in common' },
  // Key storage (CAPI/CNG) and smart cards: the client certificate's key could not be used.
  0x80090010: { name: 'NTE_PERM', meaning: 'this account may not use the private key (key file ACL)' },
  0x80090016: { name: 'NTE_BAD_KEYSET', meaning: 'the private key container does not exist or cannot be opened' },
  0x80090022: { name: 'NTE_SILENT_CONTEXT', meaning: 'the key needs a PIN or consent prompt that this non-interactive session cannot show' },
  0x8010000c: { name: 'SCARD_E_NO_SMARTCARD', meaning: 'the smart card holding the key is not inserted' },
  0x8010006b: { name: 'SCARD_W_WRONG_CHV', meaning: 'the smart card PIN was wrong' },
  0x8010006e: { name: 'SCARD_W_CANCELLED_BY_USER', meaning: 'the smart card PIN prompt was cancelled' },
};

export interface Win32Status {
  /** The unsigned 32-bit value, or null when the text is not a number. */
  value: number | null;
  /** "0x800B0109" (HRESULTs) or "0x40" (Win32 codes). */
  hex: string | null;
  /** The winerror.h name when known: "CERT_E_UNTRUSTEDROOT", "HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED)". */
  name: string | null;
  meaning: string | null;
  /** One line for evidence: "2148204809 = 0x800B0109 CERT_E_UNTRUSTEDROOT"; unknown codes: "12345 = 0x3039". */
  text: string;
}

const FACILITY_WIN32 = 0x80070000;

/** Decode one sc-win32-status value (decimal text as logged, or a number). */
export function decodeWin32Status(raw: string | number): Win32Status {
  const text = String(raw).trim();
  if (!/^-?\d{1,10}$/.test(text)) return { value: null, hex: null, name: null, meaning: null, text: text || '-' };
  let value = Number(text);
  // Some exports print the HRESULT signed; the log writes it unsigned (reference 7).
  if (value < 0) value += 2 ** 32;
  if (value < 0 || value > 0xffffffff) return { value: null, hex: null, name: null, meaning: null, text };
  let known: Known | undefined = WIN32[value] ?? HRESULTS[value];
  if (!known && value >>> 16 === FACILITY_WIN32 >>> 16) {
    // HRESULT_FROM_WIN32: the low 16 bits are the Win32 code (0x80070005 is what the 403.7 page shows).
    const inner = WIN32[value & 0xffff];
    if (inner) known = { name: `HRESULT_FROM_WIN32(${inner.name})`, meaning: inner.meaning };
  }
  const hexText = `0x${value.toString(16).toUpperCase()}`;
  return {
    value,
    hex: hexText,
    name: known?.name ?? null,
    meaning: known?.meaning ?? null,
    text: `${value} = ${hexText}${known ? ` ${known.name}` : ''}`,
  };
}
