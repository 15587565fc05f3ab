import type { Res } from '../../../../shared/contract';
import type { Store } from '../../../../shared/model/store';
import { FindingsList } from '../certificates/findings-list';
import { CopyRow } from './copy-row';
import { WarningIcon } from '../common/icons';
import { displayName } from '../stores/store-rows';
import { AclTable } from './acl-table';
import { ownerLine } from './acl-words';

export type KeyFind = Res<'keys:find'>;

const PROVIDER_WORD: Record<NonNullable<KeyFind['key']['providerKind']>, string> = {
  capi: 'CryptoAPI provider',
  cng: 'CNG key storage provider',
  nss: 'NSS token',
  file: 'key file',
  keychain: 'keychain',
};

/**
 * FindPrivateKey's answer, then icacls': the certificate the key belongs to, "Private key
 * directory" and "Private key file name" (each copyable, as helpdesk scripts paste them), the
 * owner and mode, the ACL as a table, and what is wrong with it.
 */
export function KeyLocationView({ found, stores }: { found: KeyFind; stores: Store[] }) {
  const cert = found.certificate;
  const label = (id: string) => stores.find((s) => s.id === id)?.label ?? id;
  const key = found.key;
  const keyPath = found.directory && found.fileName ? key.path : null;

  return (
    <div className="key-location" data-testid="key-location" data-key-status={key.status}>
      {cert && (
        <div className="key-cert">
          <p className="key-cert-name" data-testid="key-cert-name">
            {displayName(cert.summary.subject)}
          </p>
          <p className="muted">
            {cert.summary.selfSigned.value ? 'Self-signed' : `Issued by ${displayName(cert.summary.issuer)}`} · thumbprint{' '}
            <span className="mono" data-testid="key-cert-thumbprint">
              {cert.summary.thumbprintSha1}
            </span>
          </p>
          {found.foundIn.length > 0 && <p className="muted">In {found.foundIn.map(label).join(', ')}</p>}
        </div>
      )}

      {found.directory && found.fileName ? (
        <dl className="findkey" data-testid="findkey">
          <CopyRow label="Private key directory" value={found.directory} what="private key directory" testId="key-directory" />
          <CopyRow label="Private key file name" value={found.fileName} what="private key file name" testId="key-file-name" />
          {keyPath && (
            <CopyRow label="Full path" value={keyPath} what="private key path" testId="key-path-value" />
          )}
          {(key.provider || key.container || key.providerKind) && (
            <div className="findkey-row">
              <dt>Held by</dt>
              <dd>
                {[key.provider ?? (key.providerKind ? PROVIDER_WORD[key.providerKind] : null), key.container ? `container ${key.container}` : null, key.exportable === null ? null : key.exportable ? 'exportable' : 'not exportable']
                  .filter(Boolean)
                  .join(' · ')}
              </dd>
            </div>
          )}
        </dl>
      ) : (
        <p className="note is-bad key-none" data-testid="key-none" role="note">
          <WarningIcon size={16} />
          <span>No private key file was found{key.detail ? `: ${key.detail}` : '.'}</span>
        </p>
      )}
      {key.detail && found.directory && <p className="muted key-detail">{key.detail}</p>}

      {found.acl && (
        <section className="key-acl" aria-label="Who may read the key file">
          <h3 className="sub-heading">
            Who may use the file: <span className="key-owner" data-testid="key-owner">{ownerLine(found.acl)}</span>
          </h3>
          <AclTable acl={found.acl} caption="Permissions of the private key file" />
        </section>
      )}
      {found.aclNote && (
        <p className={found.acl ? 'muted' : 'error-line'} role="note" data-testid="acl-note">
          {found.aclNote}
        </p>
      )}
      {found.findings.length > 0 && <FindingsList findings={found.findings} />}
    </div>
  );
}
