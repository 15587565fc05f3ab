import type { CertificateSummary } from '../../../../shared/model/certificate';
import { selfSignedText } from '../../../../shared/cert/format-text';
import { EKU_CLIENT_AUTH } from '../../../../shared/cert/oids';
import { capitalize, formatLocalDateTime } from '../../lib/dates';
import { CopyButton } from '../common/copy-button';
import { CheckIcon } from '../common/icons';
import { clientAuthByEku } from './client-auth';
import { ExtensionFields } from './extension-fields';
import { Field } from './field';
import { GeneralNameList } from './general-names';

function basicConstraintsText(c: CertificateSummary): string {
  const bc = c.basicConstraints;
  if (bc === null) return 'End entity (no Basic Constraints extension)';
  if (!bc.ca) return 'End entity (not a CA)';
  return `CA${bc.pathLength === null ? '' : `, path length ${bc.pathLength}`}`;
}

/** Every field of the certificate, labelled in the words of the Windows dialog where it has them. */
export function CertificateFields({ cert }: { cert: CertificateSummary }) {
  return (
    <dl className="fields" data-testid="cert-fields">
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
        {cert.subjectAltNames.length === 0 ? <span className="muted">None</span> : <GeneralNameList names={cert.subjectAltNames} testId="san-item" />}
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
        {clientAuthByEku(cert) === 'not-allowed' && (
          <p className="field-note is-bad" data-testid="client-auth-note">
            <strong>Not usable for client authentication:</strong> its Enhanced Key Usage does not include Client Authentication
          </p>
        )}
      </Field>
      <Field label="Basic constraints" testId="basic-constraints">
        {basicConstraintsText(cert)}
      </Field>
      <Field label="Self-signed" testId="self-signed">
        {capitalize(selfSignedText(cert))}
      </Field>
      <ExtensionFields cert={cert} />
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
  );
}
