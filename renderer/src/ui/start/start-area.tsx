import { useRef } from 'react';
import { CERTIFICATE_FILE_TYPES, HiddenFileInput } from '../common/hidden-file-input';
import { CertificateIcon, FindingsIcon, KeyIcon, ServerIcon } from '../common/icons';
import { useNavigation } from '../shell/navigation';
import './start.css';

/** File types the certificate view opens (it decides by content; this only filters the picker). */

/**
 * The first screen: a helpdesk user arrives with a symptom or with a file, not with a TLS
 * question. A 403.7 goes to Diagnose, a certificate file straight into the certificate view; the
 * two less common starts (a key's permissions, the server's settings) are offered below them.
 */
export function StartArea() {
  const { go, openCertificates } = useNavigation();
  const input = useRef<HTMLInputElement>(null);
  return (
    <main className="pane" data-testid="start-pane">
      <div className="pane-inner start">
        <h2 className="start-title">What do you have in front of you?</h2>
        <div className="start-choices">
          <button type="button" className="start-choice is-main" data-testid="start-diagnose" onClick={() => go('findings')}>
            <FindingsIcon size={28} />
            <span className="start-choice-text">
              <strong>A site answers 403.7, or asks for a certificate that never comes</strong>
              <span className="muted">Diagnose: give the site&apos;s address (and the user&apos;s certificate if you have it); Certbench says what is wrong and how to fix it.</span>
            </span>
          </button>
          <button type="button" className="start-choice is-main" data-testid="start-open-file" onClick={() => input.current?.click()}>
            <CertificateIcon size={28} />
            <span className="start-choice-text">
              <strong>A certificate file (.cer, .crt, .pem, .pfx, .p7b)</strong>
              <span className="muted">See who it identifies, whether it is valid, its chain, and whether it can log on to a site as a client certificate.</span>
            </span>
          </button>
          <HiddenFileInput inputRef={input} accept={CERTIFICATE_FILE_TYPES} multiple testId="start-file-input" label="Open certificate files" onFiles={openCertificates} />
        </div>
        <div className="start-more">
          <button type="button" className="start-link" data-testid="start-keys" onClick={() => go('keys')}>
            <KeyIcon size={18} /> An app pool or service cannot read its certificate&apos;s private key
          </button>
          <button type="button" className="start-link" data-testid="start-server" onClick={() => go('server')}>
            <ServerIcon size={18} /> Files from the server: netsh output, applicationHost.config, IIS logs, event exports
          </button>
        </div>
      </div>
    </main>
  );
}
