import { useEffect, useState } from 'react';
import { call } from '../../api/client';
import { CertificatesArea } from '../certificates/certificates-area';
import { Sidebar } from './sidebar';
import { TopBar, type AppInfoState } from './top-bar';

/** The frame: sidebar of areas, top bar with mode and host, and the one working area. */
export function App() {
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

  return (
    <div className="app">
      <Sidebar active="certificates" />
      <div className="workspace">
        <TopBar title="Certificates" appInfo={appInfo} />
        <CertificatesArea />
      </div>
    </div>
  );
}
