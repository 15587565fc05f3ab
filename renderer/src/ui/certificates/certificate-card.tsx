import type { ReactNode } from 'react';
import type { CertificateSummary, GeneralName, ValidityStatus } from '../../../../shared/model/certificate';
import { selfSignedText, validitySentence } from '../../../../shared/cert/format-text';
import { validityStatus } from '../../../../shared/cert/summarize';
import { EKU_ANY, EKU_CLIENT_AUTH } from '../../../../shared/cert/oids';
import { capitalize, formatLocalDateTime } from '../../lib/dates';
import { CopyButton } from '../common/copy-button';
import { CheckIcon, WarningIcon } from '../common/icons';

const BADGE_TEXT: Record<ValidityStatus, string> = {
  valid: 'Valid',
  expired: 'Expired',
  'not-yet-valid': 'Not yet valid',
};

const SAN_TYPE_LABEL: Record<GeneralName['type'], string> = {
  dns: 'DNS name',
  ip: 'IP address',
  email: 'Email',
  uri: 'URI',
  upn: 'UPN',
  directory: 'Directory name',
  'registered-id': 'Registered ID',
  other: 'Other name',
};

/** The client-auth verdict from EKU alone (DESIGN.md finding `cert.no-client-auth-eku`). */
export function clientAuthByEku(c: CertificateSummary): 'allowed' | 'unrestricted' | 'not-allowed' {
  if (c.extendedKeyUsage === null) return 'unrestricted';
  return c.extendedKeyUsage.some((e) => e.oid === EKU_CLIENT_AUTH || e.oid === EKU_ANY) ? 'allowed' : 'not-allowed';
}

/** A title a user recognises: the CN, else the most specific part of the subject. */
function cardTitle(c: CertificateSummary): string {
  if (c.subject.commonName) return c.subject.commonName;
  const first = c.subject.attributes[0];
  return first ? `${first.type}=${first.value}` : '(certificate with an empty subject)';
}

/** Everything a helpdesk user needs from one certificate, most decisive facts first. */
export function CertificateCard({ cert, now, position }: { cert: CertificateSummary; now: Date; position?: string }) {
  const status = validityStatus(new Date(cert.notBefore), new Date(cert.notAfter), now);
  const clientAuth = clientAuthByEku(cert);
  const title = cardTitle(cert);

  return (
    <article className="cert-card" data-testid="cert-card" aria-label={`Certificate ${title}`}>
      <header className="cert-head">
        <div className="cert-title-block">
          {position && <div className="cert-position">{position}</div>}
          <h3 className="cert-title" data-testid="cert-title">
            {title}
          </h3>
          <p className="cert-issued-by" data-testid="issued-by">
            {cert.selfSigned.value ? 'Self-signed' : `Issued by ${cert.issuer.commonName ?? (cert.issuer.rfc4514 || '(empty issuer name)')}`}
          </p>
          <p className="cert-validity-line">
            <span className={`validity-badge is-${status}`} data-testid="validity-badge" data-status={status}>
              {status === 'valid' ? <CheckIcon size={14} /> : <WarningIcon size={14} />}
              {BADGE_TEXT[status]}
            </span>
            <span className="validity-sentence" data-testid="validity-sentence">
              {capitalize(validitySentence(cert, now))}
            </span>
          </p>
        </div>
        {cert.basicConstraints?.ca && <span className="kind-tag">Certification authority</span>}
      </header>

      {clientAuth === 'not-allowed' && (
        <p className="note is-bad" data-testid="client-auth-note" role="note">
          <WarningIcon size={16} />
          <span>
            <strong>Not usable for client authentication:</strong> its Enhanced Key Usage does not include Client
            Authentication
          </span>
        </p>
      )}

      <dl className="fields">
        <Field label="Subject" testId="subject">
          <span className="dn">{cert.subject.rfc4514 || '(empty)'}</span>
        </Field>
        <Field label="Issuer" testId="issuer">
          <span className="dn">{cert.issuer.rfc4514 || '(empty)'}</span>
        </Field>
        <Field label="Serial number" testId="serial">
          <span className="mono">{cert.serialNumber}</span>
        </Field>
        <Field label="Valid from" testId="not-before">
          <time dateTime={cert.notBefore} title={cert.notBefore}>
            {formatLocalDateTime(cert.notBefore)}
          </time>
        </Field>
        <Field label="Valid to" testId="not-after">
          <time dateTime={cert.notAfter} title={cert.notAfter}>
            {formatLocalDateTime(cert.notAfter)}
          </time>
        </Field>
        <Field label="Thumbprint (SHA-1, as Windows shows it)" testId="thumbprint">
          <span className="hash-row">
            <span className="mono hash" data-testid="thumbprint-value">
              {cert.thumbprintSha1}
            </span>
            <CopyButton value={cert.thumbprintSha1} what="SHA-1 thumbprint" />
          </span>
        </Field>
        <Field label="SHA-256 fingerprint" testId="sha256">
          <span className="hash-row">
            <span className="mono hash" data-testid="sha256-value">
              {cert.fingerprintSha256}
            </span>
            <CopyButton value={cert.fingerprintSha256} what="SHA-256 fingerprint" />
          </span>
        </Field>
        <Field label="Public key" testId="public-key">
          {cert.publicKey.description}
        </Field>
        <Field label="Signature algorithm" testId="signature-algorithm">
          <span title={cert.signatureAlgorithm.oid}>{cert.signatureAlgorithm.name}</span>
        </Field>
        <Field label="Subject alternative names" testId="san">
          {cert.subjectAltNames.length === 0 ? (
            <span className="muted">None</span>
          ) : (
            <ul className="san-list">
              {cert.subjectAltNames.map((n, i) => (
                <li key={`${n.type}:${n.value}:${i}`} data-testid="san-item">
                  <span className="san-type">{SAN_TYPE_LABEL[n.type]}</span>
                  <span className="san-value">{n.value}</span>
                </li>
              ))}
            </ul>
          )}
        </Field>
        <Field label="Key usage" testId="key-usage">
          {cert.keyUsage === null ? (
            <span className="muted">Not restricted (no Key Usage extension)</span>
          ) : cert.keyUsage.length === 0 ? (
            <span className="muted">Empty</span>
          ) : (
            <span className="badges">
              {cert.keyUsage.map((u) => (
                <span key={u} className="badge" data-testid="ku-badge">
                  {u}
                </span>
              ))}
            </span>
          )}
        </Field>
        <Field label="Enhanced key usage" testId="eku">
          {cert.extendedKeyUsage === null ? (
            <span className="muted">Not restricted: any purpose (no Enhanced Key Usage extension)</span>
          ) : cert.extendedKeyUsage.length === 0 ? (
            <span className="muted">Empty</span>
          ) : (
            <span className="badges">
              {cert.extendedKeyUsage.map((e) => {
                const good = e.oid === EKU_CLIENT_AUTH;
                return (
                  <span
                    key={e.oid}
                    className={`badge${good ? ' is-good' : ''}`}
                    title={e.name === e.oid ? e.oid : `${e.name} (${e.oid})`}
                    data-testid="eku-badge"
                    data-oid={e.oid}
                  >
                    {good && <CheckIcon size={13} />}
                    {e.name}
                  </span>
                );
              })}
            </span>
          )}
        </Field>
        <Field label="Basic constraints" testId="basic-constraints">
          {basicConstraintsText(cert)}
        </Field>
        <Field label="Self-signed" testId="self-signed">
          {capitalize(selfSignedText(cert))}
        </Field>
        <Field label={`Extensions (${cert.extensions.length})`} testId="extensions">
          {cert.extensions.length === 0 ? (
            <span className="muted">None (version {cert.version} certificate)</span>
          ) : (
            <table className="ext-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">OID</th>
                  <th scope="col">Critical</th>
                </tr>
              </thead>
              <tbody>
                {cert.extensions.map((x, i) => (
                  <tr key={`${x.oid}:${i}`}>
                    <td>
                      {x.name}
                      {x.problem && (
                        <span className="ext-problem" data-testid="extension-problem">
                          {x.problem}
                        </span>
                      )}
                    </td>
                    <td className="mono">{x.oid}</td>
                    <td>{x.critical ? <span className="critical-tag">Critical</span> : <span className="muted">No</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Field>
      </dl>
    </article>
  );
}

function basicConstraintsText(c: CertificateSummary): string {
  const bc = c.basicConstraints;
  if (bc === null) return 'End entity (no Basic Constraints extension)';
  if (!bc.ca) return 'End entity (not a CA)';
  return `CA${bc.pathLength === null ? '' : `, path length ${bc.pathLength}`}`;
}

function Field({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  return (
    <div className="field" data-testid={`field-${testId}`}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
