import { useMemo } from 'react';
import type { OpenedBundle } from '../../../../shared/model/bundle';
import { FindingsList } from '../certificates/findings-list';
import { BundleBanner } from '../common/bundle-banner';
import { displayName } from '../stores/store-rows';
import { AccessVerdict } from './access-answer';
import { bundleAccessFindings, bundleKeyFind, noKeySentence } from './bundle-key';
import { KeyLocationView } from './key-location';
import './keys.css';

/**
 * Private keys with a bundle open: the key the bundle's diagnosis looked at, where it was
 * and who could read it on the bundle's host, read-only. No picker, no check and no grant: each of
 * those asks or changes this machine, and the key is not here.
 */
export function BundleKeyPane({ bundle }: { bundle: OpenedBundle }) {
  const found = useMemo(() => bundleKeyFind(bundle), [bundle]);
  const { report, manifest } = bundle;
  const cert = report.certificate;
  const access = report.key?.access ?? null;
  const accessFindings = useMemo(() => bundleAccessFindings(bundle), [bundle]);
  return (
    <main className="pane" data-testid="keys-bundle-pane">
      <div className="pane-inner">
        <BundleBanner />
        {!found ? (
          <p className="bundle-empty" data-testid="keys-bundle-empty">
            {noKeySentence(bundle)}
          </p>
        ) : (
          <>
            <section className="step-card" aria-labelledby="keys-bundle-1">
              <h2 className="step-title" id="keys-bundle-1">
                <span className="step-number">1</span> Which private key?
              </h2>
              <p className="chosen">
                <span>
                  <span className="muted">{cert ? 'Certificate ' : 'Key file '}</span>
                  <strong data-testid="key-target">{cert ? displayName(cert.summary.subject) : found.key.path}</strong>
                  {cert && <span className="muted"> (from {bundle.stores.find((s) => s.id === cert.source)?.label ?? cert.source})</span>}
                </span>
              </p>
            </section>
            <section className="step-card" aria-labelledby="keys-bundle-2" data-testid="key-step-location">
              <h2 className="step-title" id="keys-bundle-2">
                <span className="step-number">2</span> Where it was on {manifest.host} and who could use it
              </h2>
              <KeyLocationView found={found} stores={bundle.stores} />
            </section>
            <section className="step-card" aria-labelledby="keys-bundle-3" data-testid="key-step-access">
              <h2 className="step-title" id="keys-bundle-3">
                <span className="step-number">3</span> {access ? `Could ${access.identity} read the key?` : 'Could the site’s account read the key?'}
              </h2>
              {access ? (
                <div className="access-answer" data-testid="access-answer" data-can-read={String(access.answer.canRead)}>
                  <AccessVerdict answer={access.answer} />
                  {accessFindings.length > 0 && <FindingsList findings={accessFindings} />}
                </div>
              ) : (
                <p className="muted" data-testid="keys-bundle-no-access">
                  No account was named when this bundle was made, so nobody’s access to the key was checked on {manifest.host}.
                </p>
              )}
            </section>
          </>
        )}
      </div>
    </main>
  );
}
