import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { call } from '../../api/client';
import { CertificatesArea } from '../certificates/certificates-area';
import { KeysArea, type KeyRequest } from '../keys/keys-area';
import type { KeyTarget } from '../keys/key-target';
import { LabArea } from '../lab/lab-area';
import { FindingsArea } from '../findings/findings-area';
import { ServerArea } from '../server/server-area';
import { BundlesArea } from '../bundles/bundles-area';
import type { OpenedBundle } from '../../../../shared/model/bundle';
import { BundleViewContext, type BundleView } from './bundle-view';
import { LastReportContext, type LastReport } from './report-context';
import type { DiagnoseReport } from '../../../../shared/model/diagnose';
import type { DiagnoseRequest } from '../../../../shared/contract';
import { ProbeArea } from '../probe/probe-area';
import type { ProbeRequest } from '../probe/probe-request';
import { StoreListingProvider } from '../stores/store-listing';
import { NavigationContext, type Navigation } from './navigation';
import { AREAS, Sidebar, type AreaId } from './sidebar';
import { TopBar, type AppInfoState } from './top-bar';

/**
 * The frame: sidebar of areas, top bar with mode and host, and the working area. An area stays
 * mounted once visited (hidden when another is shown), so opened files, filters and a grant's
 * Undo button are still there when the user comes back.
 */
export function App() {
  const [appInfo, setAppInfo] = useState<AppInfoState>({ state: 'loading' });
  const [area, setArea] = useState<AreaId>('certificates');
  const [visited, setVisited] = useState<ReadonlySet<AreaId>>(() => new Set(['certificates']));
  const [certificatesTab, setCertificatesTab] = useState<'files' | 'stores'>('files');
  const [keyRequest, setKeyRequest] = useState<KeyRequest | null>(null);
  const [probeRequest, setProbeRequest] = useState<ProbeRequest | null>(null);
  const [bundle, setBundle] = useState<OpenedBundle | null>(null);
  const [diagnoseSeed, setDiagnoseSeed] = useState<{ files: File[]; nonce: number } | null>(null);
  const [last, setLast] = useState<{ report: DiagnoseReport | null; request: DiagnoseRequest | null }>({ report: null, request: null });
  const lastReport = useMemo<LastReport>(() => ({ ...last, set: (report, request) => setLast({ report, request }) }), [last]);

  useEffect(() => {
    let live = true;
    void call('app:info', {}).then((r) => {
      if (!live) return;
      setAppInfo(r.ok ? { state: 'ready', info: r.value } : { state: 'error', message: r.error.message });
    });
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    // A file dropped outside the drop target must not make the window navigate to it (in Electron
    // that would replace the app with a file:// page). The Certificates pane handles its own drops.
    const block = (e: DragEvent) => {
      if (!e.defaultPrevented) e.preventDefault();
    };
    window.addEventListener('dragover', block);
    window.addEventListener('drop', block);
    return () => {
      window.removeEventListener('dragover', block);
      window.removeEventListener('drop', block);
    };
  }, []);

  const navigation = useMemo<Navigation>(() => {
    const go = (next: AreaId) => {
      setArea(next);
      setVisited((v) => (v.has(next) ? v : new Set(v).add(next)));
      window.scrollTo({ top: 0 });
    };
    return {
      go,
      showKey: (target: KeyTarget) => {
        setKeyRequest((r) => ({ target, nonce: (r?.nonce ?? 0) + 1 }));
        go('keys');
      },
      diagnoseWith: (files: File[]) => {
        setDiagnoseSeed((r) => ({ files, nonce: (r?.nonce ?? 0) + 1 }));
        go('findings');
      },
    };
  }, []);

  const bundleView = useMemo<BundleView>(
    () => ({
      bundle,
      open: (b) => {
        setBundle(b);
        navigation.go('findings');
      },
      close: () => setBundle(null),
    }),
    [bundle, navigation],
  );

  const title = AREAS.find((a) => a.id === area)?.label ?? '';
  const mounted = (id: AreaId, node: ReactNode) =>
    visited.has(id) && (
      <div className="area" data-area={id} hidden={area !== id}>
        {node}
      </div>
    );

  return (
    <NavigationContext.Provider value={navigation}>
      <BundleViewContext.Provider value={bundleView}>
      <LastReportContext.Provider value={lastReport}>
      <StoreListingProvider>
        <div className="app">
          <Sidebar active={area} onSelect={navigation.go} />
          <div className="workspace">
            <TopBar title={title} appInfo={appInfo} />
            {mounted('certificates', <CertificatesArea tab={certificatesTab} onTab={setCertificatesTab} />)}
            {mounted('keys', <KeysArea request={keyRequest} />)}
            {mounted('probe', <ProbeArea request={probeRequest} />)}
            {mounted('server', <ServerArea />)}
            {mounted('findings', <FindingsArea seed={diagnoseSeed} />)}
            {mounted('bundles', <BundlesArea />)}
            {mounted(
              'lab',
              <LabArea
                onProbe={(r) => {
                  // The Lab's "Probe this": the Probe page opens with the address filled in.
                  setProbeRequest((last) => ({ ...r, nonce: (last?.nonce ?? 0) + 1 }));
                  navigation.go('probe');
                }}
              />,
            )}
          </div>
        </div>
      </StoreListingProvider>
      </LastReportContext.Provider>
      </BundleViewContext.Provider>
    </NavigationContext.Provider>
  );
}
