import type { ComponentType } from 'react';
import { routeHash, type AreaId, type RouteId } from './route';
import { BundleIcon, CertificateIcon, FindingsIcon, KeyIcon, LabIcon, ProbeIcon, ServerIcon } from '../common/icons';

/**
 * The areas of the app in DESIGN.md's order: what is on this machine, the server on the wire and in
 * its configuration, then the diagnosis that combines them, and the bundle that carries it away.
 */
export type { AreaId };

export interface Area {
  id: AreaId;
  label: string;
  /** One line on what the area answers, used as the tooltip. */
  purpose: string;
  Icon: ComponentType<{ size?: number }>;
}

export const AREAS: readonly Area[] = [
  {
    id: 'certificates',
    label: 'Certificates and stores',
    purpose: "Open certificate files, or list this machine's certificate stores, and see who each certificate identifies, its validity and its usages",
    Icon: CertificateIcon,
  },
  {
    id: 'keys',
    label: 'Private keys',
    purpose: 'Where each private key file is, which accounts may read it, and granting read access with an undo',
    Icon: KeyIcon,
  },
  {
    id: 'probe',
    label: 'Probe',
    purpose: 'Connect to a server and see whether and when it asks for a client certificate',
    Icon: ProbeIcon,
  },
  {
    id: 'server',
    label: 'Server side',
    purpose: 'Read IIS, HTTP.SYS and Schannel settings, logs and events, from this machine or from files you attach',
    Icon: ServerIcon,
  },
  {
    id: 'findings',
    label: 'Diagnose',
    purpose: 'Gather all the evidence for one server and certificate: what is wrong, why, and a script that fixes it',
    Icon: FindingsIcon,
  },
  {
    id: 'bundles',
    label: 'Bundles',
    purpose: 'Put all the evidence in one file for a second-line engineer, or open one you received',
    Icon: BundleIcon,
  },
  {
    id: 'lab',
    label: 'Lab',
    purpose: 'Practice on a local test server with generated certificates',
    Icon: LabIcon,
  },
];

export function Sidebar({ active, onSelect }: { active: RouteId; onSelect: (area: RouteId) => void }) {
  return (
    <nav className="sidebar" aria-label="Areas" data-testid="sidebar">
      <div className="sidebar-inner">
        <a
          className="brand"
          href={routeHash({ area: 'start' })}
          title="Certbench: start here"
          data-testid="nav-start"
          aria-current={active === 'start' ? 'page' : undefined}
          onClick={(e) => {
            e.preventDefault();
            onSelect('start');
          }}
        >
          <span className="brand-mark" aria-hidden="true">
            <CertificateIcon size={20} />
          </span>
          <span className="brand-text">
            <span className="brand-name" data-testid="product-name">
              Certbench
            </span>
            <span className="brand-tagline">TLS client certificates</span>
          </span>
        </a>
        <ul className="nav-list">
          {AREAS.map((area) => (
            <li key={area.id}>
              <AreaItem area={area} active={area.id === active} onSelect={onSelect} />
            </li>
          ))}
        </ul>
      </div>
    </nav>
  );
}

function AreaItem({ area: { id, label, purpose, Icon }, active, onSelect }: { area: Area; active: boolean; onSelect: (area: RouteId) => void }) {
  return (
    <a
      href={routeHash({ area: id })}
      className={`nav-item${active ? ' is-active' : ''}`}
      aria-current={active ? 'page' : undefined}
      title={purpose}
      data-testid="nav-item"
      data-area={id}
      onClick={(e) => {
        e.preventDefault();
        onSelect(id);
      }}
    >
      <Icon />
      <span className="nav-label">{label}</span>
    </a>
  );
}
