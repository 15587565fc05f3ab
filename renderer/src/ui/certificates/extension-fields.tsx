import type { CertificateSummary } from '../../../../shared/model/certificate';
import { groupHex } from '../../lib/hex';
import { Field } from './field';
import { GeneralNameList } from './general-names';

function UrlList({ urls, testId }: { urls: string[]; testId: string }) {
  // Plain text, never links: URLs in a certificate are whatever its maker wrote.
  return (
    <ul className="plain-list">
      {urls.map((u, i) => (
        <li key={`${u}:${i}`} className="url" data-testid={testId}>
          {u}
        </li>
      ))}
    </ul>
  );
}

/**
 * The extensions a helpdesk user is asked about when a chain or a mapping fails: key identifiers
 * (how an issuer is matched), where to fetch the issuer and revocation lists, policies, the
 * Microsoft template, name constraints, and anything Certbench does not decode, as raw hex.
 * Rows appear only for extensions the certificate has.
 */
export function ExtensionFields({ cert }: { cert: CertificateSummary }) {
  const aia = cert.authorityInfoAccess;
  const aki = cert.authorityKeyId;
  const raw = cert.extensions.filter((x) => x.valueHex !== null);
  return (
    <>
      {cert.subjectKeyId && (
        <Field label="Subject key identifier" testId="ski">
          <span className="mono hash">{groupHex(cert.subjectKeyId)}</span>
        </Field>
      )}
      {aki && (
        <Field label="Authority key identifier" testId="aki">
          <dl className="sub-fields">
            {aki.keyId && (
              <>
                <dt>Key ID</dt>
                <dd className="mono hash">{groupHex(aki.keyId)}</dd>
              </>
            )}
            {aki.issuer && (
              <>
                <dt>Issuer</dt>
                <dd className="dn">{aki.issuer}</dd>
              </>
            )}
            {aki.serial && (
              <>
                <dt>Serial</dt>
                <dd className="mono">{aki.serial}</dd>
              </>
            )}
          </dl>
        </Field>
      )}
      {(aia.ocsp.length > 0 || aia.caIssuers.length > 0) && (
        <Field label="Authority information access" testId="aia">
          <dl className="sub-fields">
            {aia.caIssuers.length > 0 && (
              <>
                <dt>CA issuers</dt>
                <dd>
                  <UrlList urls={aia.caIssuers} testId="aia-ca-issuers" />
                </dd>
              </>
            )}
            {aia.ocsp.length > 0 && (
              <>
                <dt>OCSP</dt>
                <dd>
                  <UrlList urls={aia.ocsp} testId="aia-ocsp" />
                </dd>
              </>
            )}
          </dl>
        </Field>
      )}
      {cert.crlDistributionPoints.length > 0 && (
        <Field label="CRL distribution points" testId="crl">
          <UrlList urls={cert.crlDistributionPoints} testId="crl-url" />
        </Field>
      )}
      {cert.policies.length > 0 && (
        <Field label="Certificate policies" testId="policies">
          <ul className="plain-list">
            {cert.policies.map((p, i) => (
              <li key={`${p.oid}:${i}`} data-testid="policy">
                {p.name !== p.oid && <span className="policy-name">{p.name} </span>}
                <span className="mono">{p.oid}</span>
                {p.cps.map((u) => (
                  <span key={u} className="policy-cps">
                    CPS: <span className="url">{u}</span>
                  </span>
                ))}
              </li>
            ))}
          </ul>
        </Field>
      )}
      {cert.template && (
        <Field label="Certificate template (Microsoft)" testId="template">
          <dl className="sub-fields">
            {cert.template.name && (
              <>
                <dt>Name</dt>
                <dd>{cert.template.name}</dd>
              </>
            )}
            {cert.template.oid && (
              <>
                <dt>OID</dt>
                <dd className="mono">{cert.template.oid}</dd>
              </>
            )}
            {cert.template.majorVersion !== null && (
              <>
                <dt>Version</dt>
                <dd>
                  {cert.template.majorVersion}
                  {cert.template.minorVersion !== null ? `.${cert.template.minorVersion}` : ''}
                </dd>
              </>
            )}
          </dl>
        </Field>
      )}
      {cert.nameConstraints && (
        <Field label={`Name constraints${cert.nameConstraints.critical ? ' (critical)' : ''}`} testId="name-constraints">
          <dl className="sub-fields">
            <dt>Permitted</dt>
            <dd>
              {cert.nameConstraints.permitted.length ? (
                <GeneralNameList names={cert.nameConstraints.permitted} testId="nc-permitted" />
              ) : (
                <span className="muted">Any</span>
              )}
            </dd>
            <dt>Excluded</dt>
            <dd>
              {cert.nameConstraints.excluded.length ? (
                <GeneralNameList names={cert.nameConstraints.excluded} testId="nc-excluded" />
              ) : (
                <span className="muted">None</span>
              )}
            </dd>
          </dl>
        </Field>
      )}
      {raw.length > 0 && (
        <Field label="Other extensions (not decoded)" testId="raw-extensions">
          <ul className="plain-list">
            {raw.map((x, i) => (
              <li key={`${x.oid}:${i}`} data-testid="raw-extension" data-oid={x.oid}>
                <span>{x.name === x.oid ? 'Unknown extension' : x.name} </span>
                <span className="mono muted">{x.oid}</span>
                {x.critical && <span className="critical-tag"> Critical</span>}
                {x.problem && <span className="ext-problem">{x.problem}</span>}
                <span className="mono hash raw-hex">{groupHex(x.valueHex!)}</span>
              </li>
            ))}
          </ul>
        </Field>
      )}
    </>
  );
}
