import { useBundleView } from '../shell/bundle-view';
import { BundleIcon } from './icons';
import { formatLocalDateTime } from '../../lib/dates';

/**
 * Says plainly that what the screen shows comes from a bundle, not from this machine: whose host, when
 * it was collected, which Certbench wrote it, and what was redacted, so a bundle is never mistaken
 * for the machine in front of you. Renders nothing when no bundle is open.
 */
export function BundleBanner() {
  const { bundle, close } = useBundleView();
  if (!bundle) return null;
  const { manifest } = bundle;
  const at = formatLocalDateTime(manifest.createdAt);
  return (
    <div className="bundle-banner" role="status" data-testid="bundle-banner" data-host={manifest.host}>
      <BundleIcon />
      <div className="bundle-banner-text">
        <strong>Read-only bundle from {manifest.host}</strong>, collected {at} by Certbench {manifest.appVersion} on {manifest.os.platform}
        {manifest.redactions.length > 0 && <> (redacted: {manifest.redactions.join(', ')})</>}. Nothing shown here was read from this machine.
        <span className="bundle-banner-file"> {bundle.file}</span>
      </div>
      <button type="button" className="button" data-testid="bundle-close" onClick={close}>
        Close bundle
      </button>
    </div>
  );
}
