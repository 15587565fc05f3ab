import type { ComponentType } from 'react';
import { BundleIcon, CertificateIcon, FindingsIcon, KeyIcon, LabIcon, ProbeIcon } from '../common/icons';

/**
 * The areas of the app in DESIGN.md's order. Areas not built yet are shown so users see where the
 * product is going, but they are plainly disabled (no empty pages to land on).
 */
export type AreaId = 'certificates' | 'keys' | 'probe' | 'findings' | 'bundles' | 'lab';

export interface Area {
  id: AreaId;
  label: string;
  /** One line on what the area answers, used as the tooltip. */
  purpose: string;
  ready: boolean;
  Icon: ComponentType<{ size?: number }>;
}

export const AREAS: readonly Area[] = [
  {
    id: 'certificates',
    label: 'Certificates and stores',
    purpose: "Open certificate files, or list this machine's certificate stores, and see who each certificate identifies, its validity and its usages",
    ready: true,
    Icon: CertificateIcon,
  },
  {
    id: 'keys',
    label: 'Private keys',
    purpose: 'Where each private key file is, which accounts may read it, and granting read access with an undo',
    ready: true,
    Icon: KeyIcon,
  },
  {
    id: 'probe',
    label: 'Probe',
    purpose: 'Connect to a server and see whether and when it asks for a client certificate',
    ready: true,
    Icon: ProbeIcon,
  },
  {
    id: 'findings',
    label: 'Findings',
    purpose: 'What is wrong, with the evidence and a script that fixes it',
    ready: false,
    Icon: FindingsIcon,
  },
  {
    id: 'bundles',
    label: 'Bundles',
    purpose: 'Put all the evidence in one file for a second-line engineer',
    ready: false,
    Icon: BundleIcon,
  },
  {
    id: 'lab',
    label: 'Lab',
    purpose: 'Practice on a local test server with generated certificates',
    ready: true,
    Icon: LabIcon,
  },
];

export function Sidebar({ active, onSelect }: { active: AreaId; onSelect: (area: AreaId) => void }) {
  return (
    <nav className="sidebar" aria-label="Areas" data-testid="sidebar">
      <div className="sidebar-inner">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            <CertificateIcon size={20} />
          </span>
          <span className="brand-text">
            <span className="brand-name" data-testid="product-name">
              Certbench
            </span>
            <span className="brand-tagline">TLS client certificates</span>
          </span>
        </div>
        <ul className="nav-list">
          {AREAS.map((area) => (
            <li key={area.id}>{area.ready ? <ReadyItem area={area} active={area.id === active} onSelect={onSelect} /> : <SoonItem area={area} />}</li>
          ))}
        </ul>
      </div>
    </nav>
  );
}

function ReadyItem({ area: { id, label, purpose, Icon }, active, onSelect }: { area: Area; active: boolean; onSelect: (area: AreaId) => void }) {
  return (
    <a
      href="#"
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

/** Not a link and not focusable: there is nothing to activate yet. aria-disabled tells screen readers. */
function SoonItem({ area: { id, label, purpose, Icon } }: { area: Area }) {
  return (
    <span
      className="nav-item is-disabled"
      aria-disabled="true"
      title={`${label} is coming soon: ${purpose.charAt(0).toLowerCase()}${purpose.slice(1)}.`}
      data-testid="nav-item"
      data-area={id}
    >
      <Icon />
      <span className="nav-label">{label}</span>
      <span className="soon-tag">coming soon</span>
    </span>
  );
}
