import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { call } from '../../api/client';
import type { KeyRequest } from '../keys/keys-area';
import type { KeyTarget } from '../keys/key-target';
import type { OpenedBundle } from '../../../../shared/model/bundle';
import { BundleViewContext, type BundleView } from './bundle-view';
import { LastReportContext, type LastReport } from './report-context';
import type { DiagnoseReport } from '../../../../shared/model/diagnose';
import type { DiagnoseRequest } from '../../../../shared/contract';
import type { ProbeRequest } from '../probe/probe-request';
import { StoreListingProvider } from '../stores/store-listing';
import { loadSession, saveSession } from '../../lib/session';
import { StartArea } from '../start/start-area';
import { AnnouncerProvider } from './announcer';
import { AreaBoundary } from './area-boundary';
import { EvidenceFilesProvider } from './evidence-files';
import { NavigationContext, type Navigation } from './navigation';
import { parseRoute, routeHash, sameRoute, type Route, type RouteId } from './route';
import { AREAS, Sidebar } from './sidebar';
import { TopBar, type AppInfoState } from './top-bar';

// Each area's code loads when the area is first opened (Vite splits them into chunks): the first
// screen parses only the shell and the start page. The import is started at once, so an area opened
// seconds later is usually loaded already.
const CertificatesArea = lazy(() => import('../certificates/certificates-area').then((m) => ({ default: m.CertificatesArea })));
const KeysArea = lazy(() => import('../keys/keys-area').then((m) => ({ default: m.KeysArea })));
const ProbeArea = lazy(() => import('../probe/probe-area').then((m) => ({ default: m.ProbeArea })));
const ServerArea = lazy(() => import('../server/server-area').then((m) => ({ default: m.ServerArea })));
const FindingsArea = lazy(() => import('../diagnose/findings-area').then((m) => ({ default: m.FindingsArea })));
const BundlesArea = lazy(() => import('../bundles/bundles-area').then((m) => ({ default: m.BundlesArea })));
const LabArea = lazy(() => import('../lab/lab-area').then((m) => ({ default: m.LabArea })));

/** The route the window opens on: its address, else the area of this session, else the first screen. */
function initialRoute(): Route {
  return parseRoute(window.location.hash) ?? loadSession<Route>('route') ?? { area: 'start' };
}

/** The app's version and host, asked once when the window opens. */
function useAppInfo(): AppInfoState {
  const [appInfo, setAppInfo] = useState<AppInfoState>({ state: 'loading' });
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
  return appInfo;
}

/**
 * A file dropped outside the drop target must not make the window navigate to it (in Electron that
 * would replace the app with a file:// page). The Certificates pane handles its own drops.
 */
function useBlockStrayDrops(): void {
  useEffect(() => {
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
}

/** The last diagnosis, kept in the session so it comes back after a reload (its report only: the request held the certificate file). */
function useLastReport(): LastReport {
  const [last, setLast] = useState<{ report: DiagnoseReport | null; request: DiagnoseRequest | null; asked: string | null }>(() => {
    const kept = loadSession<{ report: DiagnoseReport; asked: string | null }>('last-diagnosis');
    return { report: kept?.report ?? null, request: null, asked: kept?.asked ?? null };
  });
  return useMemo<LastReport>(
    () => ({
      ...last,
      set: (report, request, asked = null) => {
        setLast({ report, request, asked });
        saveSession('last-diagnosis', { report, asked });
      },
    }),
    [last],
  );
}

type Show = (next: Route, how: 'push' | 'replace' | 'none') => void;

/**
 * The route is the address: kept in the location hash (Back, Forward, F5) and in the session. Also
 * which areas were visited (they stay mounted) and the Certificates tab the user left.
 */
function useRoute() {
  const [route, setRoute] = useState<Route>(initialRoute);
  const [visited, setVisited] = useState<ReadonlySet<RouteId>>(() => new Set([route.area]));
  const [lastTab, setLastTab] = useState<'files' | 'stores'>(route.tab ?? 'files');
  const routeRef = useRef(route);
  const lastTabRef = useRef<'files' | 'stores'>(route.tab ?? 'files');
  const show = useCallback<Show>((next, how) => {
    const moved = !sameRoute(routeRef.current, next);
    routeRef.current = next;
    setRoute(next);
    setVisited((v) => (v.has(next.area) ? v : new Set(v).add(next.area)));
    if (next.area === 'certificates') {
      lastTabRef.current = next.tab ?? 'files';
      setLastTab(lastTabRef.current);
    }
    saveSession('route', next);
    if (how === 'push' && (moved || window.location.hash !== routeHash(next))) window.history.pushState(null, '', routeHash(next));
    if (how === 'replace') window.history.replaceState(window.history.state, '', routeHash(next));
    if (moved) window.scrollTo({ top: 0 });
  }, []);

  useEffect(() => {
    // The first address says where the window is, so Back from the next area comes here.
    if (window.location.hash !== routeHash(routeRef.current)) window.history.replaceState(window.history.state, '', routeHash(routeRef.current));
    const onPop = () => show(parseRoute(window.location.hash) ?? { area: 'start' }, 'none');
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [show]);
  return { route, visited, lastTab, lastTabRef, show };
}

/** The navigation areas use, with what they hand to the Keys and Certificates areas on the way. */
function useNavigation(show: Show, lastTabRef: { readonly current: 'files' | 'stores' }) {
  const [certificateSeed, setCertificateSeed] = useState<{ files: File[]; nonce: number } | null>(null);
  const [keyRequest, setKeyRequest] = useState<KeyRequest | null>(null);
  const navigation = useMemo<Navigation>(() => {
    // Back to Certificates and stores: the tab the user left it on.
    const go = (next: RouteId) => show(next === 'certificates' ? { area: next, tab: lastTabRef.current } : { area: next }, 'push');
    return {
      go,
      showKey: (target: KeyTarget) => {
        setKeyRequest((r) => ({ target, nonce: (r?.nonce ?? 0) + 1 }));
        go('keys');
      },
      openCertificates: (files: File[]) => {
        setCertificateSeed((r) => ({ files, nonce: (r?.nonce ?? 0) + 1 }));
        show({ area: 'certificates', tab: 'files' }, 'push');
      },
    };
  }, [show, lastTabRef]);
  return { navigation, certificateSeed, keyRequest };
}

/** The opened bundle, shared with the areas; opening one shows its findings. */
function useBundleView(navigation: Navigation): BundleView {
  const [bundle, setBundle] = useState<OpenedBundle | null>(null);
  return useMemo<BundleView>(
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
}

/** Not an address change (the hash is the area's): it moves focus to the page's content. */
function SkipLink() {
  return (
    <a
      href="#/"
      className="skip-link"
      data-testid="skip-link"
      onClick={(e) => {
        e.preventDefault();
        const target = document.querySelector<HTMLElement>('.area:not([hidden]) main:not([hidden])');
        if (target) {
          target.tabIndex = -1;
          target.focus();
        }
      }}
    >
      Skip to the page
    </a>
  );
}

/** One area, mounted once visited and hidden while another is shown. */
function AreaSlot({ id, active, visited, children }: { id: RouteId; active: RouteId; visited: ReadonlySet<RouteId>; children: ReactNode }) {
  if (!visited.has(id)) return null;
  return (
    <div className="area" data-area={id} hidden={active !== id}>
      <AreaBoundary>
        <Suspense fallback={<p role="status">Loading…</p>}>{children}</Suspense>
      </AreaBoundary>
    </div>
  );
}

/**
 * The frame: sidebar of areas, top bar with mode and host, and the working area. An area stays
 * mounted once visited (hidden when another is shown), so opened files, filters and a grant's
 * Undo button are still there when the user comes back.
 */
export function App() {
  const appInfo = useAppInfo();
  const { route, visited, lastTab, lastTabRef, show } = useRoute();
  const area = route.area;
  const certificatesTab = route.area === 'certificates' ? (route.tab ?? 'files') : lastTab;
  const [probeRequest, setProbeRequest] = useState<ProbeRequest | null>(null);
  const lastReport = useLastReport();
  useBlockStrayDrops();
  const { navigation, certificateSeed, keyRequest } = useNavigation(show, lastTabRef);
  const onCertificatesTab = useCallback((tab: 'files' | 'stores') => show({ area: 'certificates', tab }, 'push'), [show]);
  const bundleView = useBundleView(navigation);

  const title = AREAS.find((a) => a.id === area)?.label ?? 'Welcome to Certbench';
  const slot = { active: area, visited };

  return (
    <NavigationContext.Provider value={navigation}>
      <BundleViewContext.Provider value={bundleView}>
      <LastReportContext.Provider value={lastReport}>
      <StoreListingProvider>
        <EvidenceFilesProvider>
        <AnnouncerProvider>
        <div className="app">
          <SkipLink />
          <Sidebar active={area} onSelect={navigation.go} />
          <div className="workspace">
            <TopBar title={title} appInfo={appInfo} />
            <AreaSlot id="start" {...slot}><StartArea /></AreaSlot>
            <AreaSlot id="certificates" {...slot}><CertificatesArea tab={certificatesTab} onTab={onCertificatesTab} seed={certificateSeed} /></AreaSlot>
            <AreaSlot id="keys" {...slot}><KeysArea request={keyRequest} /></AreaSlot>
            <AreaSlot id="probe" {...slot}><ProbeArea request={probeRequest} /></AreaSlot>
            <AreaSlot id="server" {...slot}><ServerArea /></AreaSlot>
            <AreaSlot id="findings" {...slot}><FindingsArea /></AreaSlot>
            <AreaSlot id="bundles" {...slot}><BundlesArea /></AreaSlot>
            <AreaSlot id="lab" {...slot}>
              <LabArea
                onProbe={(r) => {
                  // The Lab's "Probe this": the Probe page opens with the address filled in.
                  setProbeRequest((last) => ({ ...r, nonce: (last?.nonce ?? 0) + 1 }));
                  navigation.go('probe');
                }}
              />
            </AreaSlot>
          </div>
        </div>
        </AnnouncerProvider>
        </EvidenceFilesProvider>
      </StoreListingProvider>
      </LastReportContext.Provider>
      </BundleViewContext.Provider>
    </NavigationContext.Provider>
  );
}
