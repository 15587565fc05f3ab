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
      <HashField label="Thumbprint (SHA-1, as Windows shows it)" testId="thumbprint" value={cert.thumbprintSha1} what="SHA-1 thumbprint" />
      <HashField label="SHA-256 fingerprint" testId="sha256" value={cert.fingerprintSha256} what="SHA-256 fingerprint" />
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
        <KeyUsageValue cert={cert} />
      </Field>
      <Field label="Enhanced key usage" testId="eku">
        <EkuValue cert={cert} />
      </Field>
      <Field label="Basic constraints" testId="basic-constraints">
        {basicConstraintsText(cert)}
      </Field>
      <Field label="Self-signed" testId="self-signed">
        {capitalize(selfSignedText(cert))}
      </Field>
      <ExtensionFields cert={cert} />
      <Field label={`Extensions (${cert.extensions.length})`} testId="extensions">
        <ExtensionsTable cert={cert} />
      </Field>
    </dl>
  );
}

/** A hash in full, copyable: the thumbprint as Windows shows it, or the SHA-256 fingerprint. */
function HashField({ label, testId, value, what }: { label: string; testId: string; value: string; what: string }) {
  return (
    <Field label={label} testId={testId}>
      <span className="hash-row">
        <span className="mono hash" data-testid={`${testId}-value`}>
          {value}
        </span>
        <CopyButton value={value} what={what} />
      </span>
    </Field>
  );
}

function KeyUsageValue({ cert }: { cert: CertificateSummary }) {
  if (cert.keyUsage === null) return <span className="muted">Not restricted (no Key Usage extension)</span>;
  if (cert.keyUsage.length === 0) return <span className="muted">Empty</span>;
  return (
    <span className="badges">
      {cert.keyUsage.map((u) => (
        <span key={u} className="badge" data-testid="ku-badge">
          {u}
        </span>
      ))}
    </span>
  );
}

/** The purposes as badges, Client Authentication ticked, and the one-line note that explains a 403.7. */
function EkuValue({ cert }: { cert: CertificateSummary }) {
  return (
    <>
      {cert.extendedKeyUsage === null ? (
        <span className="muted">Not restricted: any purpose (no Enhanced Key Usage extension)</span>
      ) : cert.extendedKeyUsage.length === 0 ? (
        <span className="muted">Empty</span>
      ) : (
        <span className="badges">
          {cert.extendedKeyUsage.map((e) => {
            const good = e.oid === EKU_CLIENT_AUTH;
            return (
              <span key={e.oid} className={`badge${good ? ' is-good' : ''}`} title={e.name === e.oid ? e.oid : `${e.name} (${e.oid})`} data-testid="eku-badge" data-oid={e.oid}>
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
    </>
  );
}

function ExtensionsTable({ cert }: { cert: CertificateSummary }) {
  if (cert.extensions.length === 0) return <span className="muted">None (version {cert.version} certificate)</span>;
  return (
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
  );
}
