import { useState, type ReactNode } from 'react';
import type { Finding } from '../../../../shared/findings/catalogue';
import type { IisAppSettings, IisConfig, IisSite, SettingOrigin } from '../../../../shared/model/server';
import { ChevronIcon } from '../common/icons';
import {
  applicationLabel,
  bindingSslFlagsWords,
  clientCertState,
  clientCertStateWords,
  findingsFor,
  ignoredMappingReason,
  originWords,
  plural,
  sslFlagBadges,
} from './server-words';

/**
 * applicationHost.config / web.config as the effective client-certificate settings per application
 * (reference item 8): sites, then their applications, each setting with where it came from, and
 * what IIS ignores (mappings below the site, field note 001 item 2) in red with the reason.
 */
export function IisConfigView({ config, findings }: { config: IisConfig; findings: Finding[] }) {
  const appCount = config.sites.reduce((n, s) => n + s.applications.length, 0);
  const poolUsers = new Map<string, string[]>();
  for (const site of config.sites) {
    for (const app of site.applications) {
      if (app.applicationPool) poolUsers.set(app.applicationPool, [...(poolUsers.get(app.applicationPool) ?? []), app.path]);
    }
  }
  return (
    <div className="server-card" data-testid="iis-config" data-source={config.source}>
      <p className="server-card-head">
        <strong>{config.source}</strong>
        <span className="muted">
          {' '}
          {config.source.toLowerCase().endsWith(kindName(config).toLowerCase()) ? '' : ` · ${kindName(config)}`} · {plural(config.sites.length, 'site')} ·{' '}
          {plural(appCount, 'application')}
        </span>
      </p>
      {config.sites.length === 0 ? (
        <p className="muted">No sites in this file.</p>
      ) : (
        <ul className="iis-tree" aria-label={`Sites in ${config.source}`}>
          {config.sites.map((site) => (
            <SiteNode key={site.name} site={site} findings={findings} openApps={appCount <= 4} />
          ))}
        </ul>
      )}
      {config.appPools.length > 0 && (
        <div className="table-scroll">
          <table className="data-table server-table" data-testid="iis-app-pools">
            <caption className="server-caption">Application pools</caption>
            <thead>
              <tr>
                <th scope="col">Pool</th>
                <th scope="col">Identity</th>
                <th scope="col">Runs as</th>
                <th scope="col">Used by</th>
              </tr>
            </thead>
            <tbody>
              {config.appPools.map((p) => (
                <tr key={p.name} data-testid="iis-app-pool">
                  <td>{p.name}</td>
                  <td>{p.identityType ?? 'ApplicationPoolIdentity (default)'}</td>
                  <td className="mono">{runsAs(p)}</td>
                  <td>{(poolUsers.get(p.name) ?? []).join(', ') || <span className="muted">No application here</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {config.notes.length > 0 && (
        <ul className="server-notes is-small" aria-label="Parser notes">
          {config.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function kindName(config: IisConfig): string {
  return config.kind === 'web.config' ? 'web.config' : 'applicationHost.config';
}

/** The account a pool's worker process is, as icacls and the Private keys page name it (reference item 10). */
function runsAs(p: IisConfig['appPools'][number]): string {
  switch ((p.identityType ?? 'ApplicationPoolIdentity').toLowerCase()) {
    case 'applicationpoolidentity':
      return `IIS AppPool\\${p.name}`;
    case 'networkservice':
      return 'NT AUTHORITY\\NETWORK SERVICE';
    case 'localservice':
      return 'NT AUTHORITY\\LOCAL SERVICE';
    case 'localsystem':
      return 'NT AUTHORITY\\SYSTEM';
    case 'specificuser':
      return p.userName ?? '(a user whose name is not in the file)';
    default:
      return p.userName ?? '';
  }
}

function Disclosure({ open, onToggle, label, children }: { open: boolean; onToggle: () => void; label: string; children?: ReactNode }) {
  return (
    <button type="button" className={`server-expand${open ? ' is-open' : ''}`} aria-expanded={open} aria-label={label} onClick={onToggle}>
      <ChevronIcon size={16} />
      {children}
    </button>
  );
}

function SiteNode({ site, findings, openApps }: { site: IisSite; findings: Finding[]; openApps: boolean }) {
  const [open, setOpen] = useState(true);
  const https = site.bindings.filter((b) => b.protocol.toLowerCase() === 'https');
  return (
    <li className="iis-site" data-testid="iis-site" data-site={site.name}>
      <div className="iis-node-head">
        <Disclosure open={open} onToggle={() => setOpen((o) => !o)} label={`${open ? 'Collapse' : 'Expand'} site ${site.name}`} />
        <span className="iis-site-name">{site.name}</span>
        {site.id !== null && <span className="server-sub">id {site.id}</span>}
        <span className="iis-bindings">
          {site.bindings.length === 0 ? (
            <span className="muted">no bindings</span>
          ) : (
            site.bindings.map((b, i) => {
              const flags = b.protocol.toLowerCase() === 'https' ? bindingSslFlagsWords(b.sslFlags) : null;
              return (
                <span key={i} className="iis-binding" title={flags ? `Binding sslFlags ${b.sslFlags}: ${flags}` : undefined}>
                  {b.protocol} {b.bindingInformation}
                  {flags && flags !== 'IP:port' && <span className="server-sub"> ({flags})</span>}
                </span>
              );
            })
          )}
        </span>
      </div>
      {open && (
        <ul className="iis-apps">
          {https.length === 0 && site.bindings.length > 0 && <li className="muted iis-note">No https binding: client certificates cannot be asked for on this site.</li>}
          {site.applications.map((app) => (
            <AppNode key={app.path} app={app} findings={findings} defaultOpen={openApps} />
          ))}
        </ul>
      )}
    </li>
  );
}

function AppNode({ app, findings, defaultOpen }: { app: IisAppSettings; findings: Finding[]; defaultOpen: boolean }) {
  const ignored = ignoredMappingReason(app, findings);
  const related = findingsFor(app, findings).filter((f) => f.id !== 'iis.mapping-at-application-level' || !ignored);
  const [open, setOpen] = useState(defaultOpen || ignored !== null || related.length > 0);
  const state = clientCertState(app.sslFlags.flags);
  const badges = sslFlagBadges(app.sslFlags.flags);
  return (
    <li className={`iis-app${ignored ? ' is-flagged' : ''}`} data-testid="iis-app" data-path={app.path} data-client-cert={state} data-ignored-mapping={ignored ? 'true' : 'false'}>
      <div className="iis-node-head">
        <Disclosure open={open} onToggle={() => setOpen((o) => !o)} label={`${open ? 'Hide' : 'Show'} the settings of ${app.path}`} />
        <span className="iis-app-name mono">{applicationLabel(app)}</span>
        <span className="badges iis-flags" aria-label="sslFlags">
          {badges.map((b) => (
            <span key={b.flag} className={`badge ${b.on ? 'is-on' : 'is-off'}`} title={`${b.flag}: ${b.words}${b.on ? '' : ' (not set)'}`} data-testid="ssl-flag" data-flag={b.flag} data-on={b.on}>
              {b.on ? '' : <span className="visually-hidden">not set: </span>}
              {b.flag}
            </span>
          ))}
        </span>
        <span className={`mini-badge iis-state is-${state.toLowerCase()}`} data-testid="client-cert-state" title={clientCertStateWords(state)}>
          Client certificate: {state}
        </span>
        {ignored && (
          <span className="mini-badge is-deny" data-testid="ignored-badge">
            Mapping ignored
          </span>
        )}
      </div>
      {open && (
        <div className="iis-app-body">
          <table className="data-table server-table iis-settings" data-testid="iis-settings">
            <thead>
              <tr>
                <th scope="col">Setting</th>
                <th scope="col">Value</th>
                <th scope="col">Comes from</th>
              </tr>
            </thead>
            <tbody>
              <SettingRow name="SSL flags" origin={app.sslFlags.origin} testId="setting-ssl-flags">
                {app.sslFlags.flags.length ? app.sslFlags.flags.join(', ') : 'None'}
              </SettingRow>
              <SettingRow name="Client certificates" origin={app.sslFlags.origin} testId="setting-client-cert">
                <strong>{state}</strong>: {clientCertStateWords(state)}
              </SettingRow>
              <SettingRow name="Anonymous access" origin={app.anonymous.origin} testId="setting-anonymous">
                {app.anonymous.enabled ? 'On' : 'Off'}
              </SettingRow>
              <SettingRow name="IIS certificate mapping" origin={app.iisMapping.origin} flagged={ignored} testId="setting-iis-mapping">
                {app.iisMapping.enabled ? 'On' : 'Off'}: one-to-one {app.iisMapping.oneToOne}, many-to-one {app.iisMapping.manyToOne}
              </SettingRow>
              <SettingRow name="AD certificate mapping" origin={app.adMapping.origin} testId="setting-ad-mapping">
                {app.adMapping.enabled ? 'On' : 'Off'}
              </SettingRow>
              {app.wcfServices.length > 0 && (
                <SettingRow name="WCF services (certificate)" origin={null} originText="system.serviceModel" testId="setting-wcf">
                  {app.wcfServices.join(', ')}
                </SettingRow>
              )}
              {(app.applicationPool || app.physicalPath) && (
                <SettingRow name="Pool and folder" origin={null} originText="the application's definition" testId="setting-pool">
                  {[app.applicationPool, app.physicalPath].filter(Boolean).join(' · ')}
                </SettingRow>
              )}
            </tbody>
          </table>
          {related.length > 0 && (
            <ul className="server-related">
              {related.map((f, i) => (
                <li key={i} className={`is-${f.severity}`} data-testid="iis-app-finding" data-finding-id={f.id}>
                  {f.title} <code>{f.id}</code>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </li>
  );
}

function SettingRow({
  name,
  origin,
  originText,
  flagged = null,
  testId,
  children,
}: {
  name: string;
  origin: SettingOrigin | null;
  originText?: string;
  flagged?: string | null;
  testId: string;
  children: ReactNode;
}) {
  return (
    <tr className={flagged ? 'is-flagged' : ''} data-testid={testId} data-level={origin?.level ?? 'default'}>
      <th scope="row">{name}</th>
      <td>
        {children}
        {flagged && (
          <span className="server-ignored" data-testid="ignored-reason">
            {flagged}
          </span>
        )}
      </td>
      <td className="server-origin">{originText ?? originWords(origin)}</td>
    </tr>
  );
}
