import { BundleBanner } from '../common/bundle-banner';
import { useBundleView } from '../shell/bundle-view';
import { ExportPanel } from './export-panel';
import { ExportedList } from './exported-list';
import { OpenPanel } from './open-panel';
import { OpenedBundleSummary } from './opened-bundle';
import { useBundleExport, type ExportedBundle } from './use-bundle-export';
import { useBundleOpen } from './use-bundle-open';
import './bundles.css';

/**
 * The Bundles area: export everything a second-line engineer needs in one zip, with the
 * redactions chosen before it is written, and open a bundle someone sent, read-only, on the same
 * screens. Bundles exported in this session stay listed to download or open again.
 */
export function BundlesArea() {
  const { bundle } = useBundleView();
  const exporter = useBundleExport();
  const opener = useBundleOpen();
  const opening = opener.state.state === 'opening' ? opener.state.name : null;
  const openExported = (b: ExportedBundle) => void opener.openPath(b.fileName, b.path);

  return (
    <main className="pane bundles-pane" data-testid="bundles-pane">
      <div className="pane-inner">
        <BundleBanner />
        {bundle && <OpenedBundleSummary bundle={bundle} />}
        <p className="intro">
          A bundle carries the diagnosis of this machine to someone who is not at it: findings, certificates (public parts only),
          probe timelines, key file permissions, server settings and the commands that were run. They open it here, in Certbench,
          and see the same screens, read-only.
        </p>
        <ExportPanel current={exporter.current} onExport={(r) => void exporter.run(r)} onCancel={exporter.cancel} onOpen={openExported} opening={opening} />
        <OpenPanel state={opener.state} onFile={(f) => void opener.openFile(f)} onDismiss={opener.dismiss} />
        <ExportedList exported={exporter.exported} onOpen={openExported} opening={opening} />
      </div>
    </main>
  );
}
