import { Fragment } from 'react';
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
  const template = cert.template;
  return (
    <>
      {cert.subjectKeyId && (
        <Field label="Subject key identifier" testId="ski">
          <span className="mono hash">{groupHex(cert.subjectKeyId)}</span>
        </Field>
      )}
      {aki && (
        <Field label="Authority key identifier" testId="aki">
          <SubFields
            rows={[
              ['Key ID', aki.keyId && groupHex(aki.keyId), 'mono hash'],
              ['Issuer', aki.issuer, 'dn'],
              ['Serial', aki.serial, 'mono'],
            ]}
          />
        </Field>
      )}
      {(aia.ocsp.length > 0 || aia.caIssuers.length > 0) && (
        <Field label="Authority information access" testId="aia">
          <SubFields
            rows={[
              ['CA issuers', aia.caIssuers.length > 0 && <UrlList urls={aia.caIssuers} testId="aia-ca-issuers" />],
              ['OCSP', aia.ocsp.length > 0 && <UrlList urls={aia.ocsp} testId="aia-ocsp" />],
            ]}
          />
        </Field>
      )}
      {cert.crlDistributionPoints.length > 0 && (
        <Field label="CRL distribution points" testId="crl">
          <UrlList urls={cert.crlDistributionPoints} testId="crl-url" />
        </Field>
      )}
      {cert.policies.length > 0 && (
        <Field label="Certificate policies" testId="policies">
          <PolicyList policies={cert.policies} />
        </Field>
      )}
      {template && (
        <Field label="Certificate template (Microsoft)" testId="template">
          <SubFields
            rows={[
              ['Name', template.name],
              ['OID', template.oid, 'mono'],
              ['Version', template.majorVersion !== null && `${template.majorVersion}${template.minorVersion !== null ? `.${template.minorVersion}` : ''}`],
            ]}
          />
        </Field>
      )}
      {cert.nameConstraints && <NameConstraintsField constraints={cert.nameConstraints} />}
      <RawExtensions cert={cert} />
    </>
  );
}

/** Label and value pairs of one extension; a row whose value is empty (null, false, '') is left out. */
function SubFields({ rows }: { rows: [label: string, value: React.ReactNode, className?: string][] }) {
  return (
    <dl className="sub-fields">
      {rows
        .filter(([, value]) => value !== null && value !== undefined && value !== false && value !== '')
        .map(([label, value, className]) => (
          <Fragment key={label}>
            <dt>{label}</dt>
            <dd className={className}>{value}</dd>
          </Fragment>
        ))}
    </dl>
  );
}

function PolicyList({ policies }: { policies: CertificateSummary['policies'] }) {
  return (
    <ul className="plain-list">
      {policies.map((p, i) => (
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
  );
}

function NameConstraintsField({ constraints }: { constraints: NonNullable<CertificateSummary['nameConstraints']> }) {
  return (
    <Field label={`Name constraints${constraints.critical ? ' (critical)' : ''}`} testId="name-constraints">
      <dl className="sub-fields">
        <dt>Permitted</dt>
        <dd>{constraints.permitted.length ? <GeneralNameList names={constraints.permitted} testId="nc-permitted" /> : <span className="muted">Any</span>}</dd>
        <dt>Excluded</dt>
        <dd>{constraints.excluded.length ? <GeneralNameList names={constraints.excluded} testId="nc-excluded" /> : <span className="muted">None</span>}</dd>
      </dl>
    </Field>
  );
}

/** Anything Certbench does not decode, as raw hex. */
function RawExtensions({ cert }: { cert: CertificateSummary }) {
  const raw = cert.extensions.filter((x) => x.valueHex !== null);
  if (!raw.length) return null;
  return (
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
  );
}
