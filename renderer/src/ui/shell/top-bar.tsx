import type { AppInfo } from '../../../../shared/contract';

export type AppInfoState =
  | { state: 'loading' }
  | { state: 'ready'; info: AppInfo }
  | { state: 'error'; message: string };

/** Where the user is and what they are connected to: the area title, the mode and the host. */
export function TopBar({ title, appInfo }: { title: string; appInfo: AppInfoState }) {
  return (
    <header className="top-bar">
      <h1 className="page-title">{title}</h1>
      <div className="connection" aria-live="polite">
        {appInfo.state === 'loading' && <span className="muted">Connecting…</span>}
        {appInfo.state === 'ready' && (
          <>
            <span className="mode-pill" data-testid="mode" title={modeTooltip(appInfo.info.mode)}>
              {appInfo.info.mode === 'electron' ? 'Desktop' : 'Web mode'}
            </span>
            <span className="host" title={`Certificates are read by the Certbench service on ${appInfo.info.host} (${appInfo.info.platform})`}>
              <span className="muted">Host</span> <strong data-testid="host">{appInfo.info.host}</strong>
            </span>
            <span className="muted version">v{appInfo.info.version}</span>
          </>
        )}
        {appInfo.state === 'error' && (
          <span className="connection-error" role="alert" data-testid="connection-error" title={appInfo.message}>
            {appInfo.message}
          </span>
        )}
      </div>
    </header>
  );
}

function modeTooltip(mode: AppInfo['mode']): string {
  return mode === 'electron'
    ? 'Running as the desktop app'
    : 'Running in a browser against `certbench serve` on 127.0.0.1 (this machine only)';
}
