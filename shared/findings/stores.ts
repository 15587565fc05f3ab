import { base64 } from '@peculiar/utils';
import { parseX509 } from '../cert/x509';
import type { Store, StoreCertificate } from '../model/store';
import { finding, type Evidence, type Finding } from './catalogue';

/**
 * Findings about the machine's trusted root stores (DESIGN.md catalogue: store.*), from a store
 * listing alone. Pure, so the renderer, the CLI and bundles judge a listing the same way.
 */

/** TLS 1.2 caps a handshake message at 2^14 bytes of plaintext per record; Schannel's CA-name list must fit (KB 933430). */
export const CA_NAMES_LIMIT = 16_384;
/** The older limit some Schannel versions used (KB 933430: 12,228 bytes). */
export const CA_NAMES_OLD_LIMIT = 12_228;
const MAX_EVIDENCE = 20;

function listEvidence(items: Evidence[]): Evidence[] {
  if (items.length <= MAX_EVIDENCE) return items;
  return [...items.slice(0, MAX_EVIDENCE), { kind: 'more', text: `and ${items.length - MAX_EVIDENCE} more` }];
}

const certLine = (c: StoreCertificate) => `${c.summary.subject.rfc4514} (${c.summary.thumbprintSha1})${c.file ? ` in ${c.file}` : ''}`;

/** Bytes one DN takes in a CertificateRequest's certificate_authorities: 2-byte length + DER (RFC 5246 7.4.4). */
export function caNameBytes(c: StoreCertificate): number | null {
  try {
    return 2 + parseX509(base64.decode(c.summary.derBase64)).subject.length;
  } catch {
    return null;
  }
}

/** "LocalMachine\\Root" for a Windows store (its id is "windows:LocalMachine\\Root"), else the store's location. */
function storePath(store: Store): string {
  return store.kind === 'windows' ? store.id.replace(/^windows:/, '') : store.location;
}

/** What the fix scripts need (FINDING_PARAM_KEYS): the store, the thumbprints, the first certificate and its file. */
function storeParams(store: Store, certs: StoreCertificate[]): Record<string, string> {
  const first = certs[0]!;
  const params: Record<string, string> = {
    store: storePath(store),
    thumbprints: certs.map((c) => c.summary.thumbprintSha1).join(','),
    thumbprint: first.summary.thumbprintSha1,
    subject: first.summary.subject.rfc4514,
  };
  if (first.file) params.file = first.file;
  return params;
}

/** store.non-self-signed-in-root, store.expired-roots and (Windows Root stores) store.root-names-too-large. */
export function storeFindings(stores: Store[], certificates: StoreCertificate[]): Finding[] {
  const out: Finding[] = [];
  for (const store of stores.filter((s) => s.role === 'root' && s.trusted)) {
    const certs = certificates.filter((c) => c.storeId === store.id);
    if (!certs.length) continue;
    const windows = store.kind === 'windows';

    // KB 2802568: a non-self-signed certificate in Trusted Root makes Schannel (IIS 8+) drop the CA
    // list and reject client certificates (403.7/403.16). Elsewhere it is an anchor that is not a root.
    const notSelfSigned = certs.filter((c) => !c.summary.selfSigned.value);
    if (notSelfSigned.length) {
      out.push(
        finding(
          'store.non-self-signed-in-root',
          'A non-self-signed certificate sits in the trusted root store',
          `${store.label} holds ${notSelfSigned.length} certificate(s) whose issuer is not the certificate itself. ${
            windows
              ? 'Windows then stops sending the trusted CA list and IIS can answer 403.7 or 403.16 to valid client certificates (KB 2802568); move them to Intermediate Certification Authorities.'
              : 'They act as trust anchors although they are not roots; move them out of the trusted store unless that is intended.'
          }`,
          listEvidence(notSelfSigned.map((c) => ({ kind: 'certificate', text: certLine(c) }))),
          // Off Windows the impact is only a surprising anchor, not a broken CA list: a warning.
          { severity: windows ? 'error' : 'warning', params: storeParams(store, notSelfSigned) },
        ),
      );
    }

    const expired = certs.filter((c) => c.summary.validity.status === 'expired');
    if (expired.length) {
      out.push(
        finding(
          'store.expired-roots',
          'Expired certificates in the trusted root store',
          `${store.label} holds ${expired.length} expired certificate(s). They no longer anchor any chain and, on Windows, still count toward the CA list the server sends.`,
          listEvidence(expired.map((c) => ({ kind: 'certificate', text: `${certLine(c)}, expired ${c.summary.notAfter}` }))),
          { params: storeParams(store, expired) },
        ),
      );
    }

    // Only Schannel sends the whole machine root store as the CA list; OpenSSL-based servers send
    // the names of the file they are configured with, which the probe measures instead.
    if (windows) {
      const total = certs.reduce((sum, c) => sum + (caNameBytes(c) ?? 0), 0);
      if (total > CA_NAMES_LIMIT) {
        out.push(
          finding(
            'store.root-names-too-large',
            "The trusted roots' names add up past the 16 KB limit",
            `The ${certs.length} certificates of ${store.label} have names that take ${total} bytes in a certificate request, more than ${CA_NAMES_LIMIT} (some Windows versions stop at ${CA_NAMES_OLD_LIMIT}). Schannel then sends no CA names or fails the handshake (KB 933430); remove unneeded roots or use a Certificate Trust List on the binding.`,
            [{ kind: 'size', text: `${total} bytes of CA names from ${certs.length} certificates` }],
            { params: { store: storePath(store) } },
          ),
        );
      }
    }
  }
  return out;
}
