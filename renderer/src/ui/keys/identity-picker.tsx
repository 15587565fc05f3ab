import { useId } from 'react';
import type { Identity } from '../../../../shared/model/acl';
import './keys.css';

/** The groups of the list, in the order a helpdesk looks for them: the site's app pool first. */
const GROUPS: { label: string; kinds: Identity['kind'][] }[] = [
  { label: 'IIS application pools', kinds: ['app-pool'] },
  { label: 'Services and built-in accounts', kinds: ['service', 'well-known'] },
  { label: 'Users', kinds: ['user'] },
  { label: 'Groups', kinds: ['group'] },
];

export function groupIdentities(identities: Identity[]): { label: string; identities: Identity[] }[] {
  return GROUPS.map((g) => ({
    label: g.label,
    identities: identities.filter((i) => g.kinds.includes(i.kind)).sort((a, b) => a.name.localeCompare(b.name)),
  })).filter((g) => g.identities.length > 0);
}

/**
 * The account to check: typed freely ("IIS AppPool\Shop", "www-data", "group:ssl-cert"), or picked
 * from the accounts the service found on the machine (identities:list), grouped.
 */
export function IdentityPicker({
  value,
  onChange,
  identities,
  loadError,
  disabled,
}: {
  value: string;
  onChange: (value: string) => void;
  identities: Identity[] | null;
  loadError: string | null;
  disabled: boolean;
}) {
  const id = useId();
  const groups = identities ? groupIdentities(identities) : [];
  const listed = identities?.some((i) => i.name === value) ?? false;
  return (
    <div className="identity-picker">
      <label htmlFor={`${id}-text`} className="field-label">
        Account the site or service runs as
      </label>
      <div className="picker-row">
        <input
          id={`${id}-text`}
          className="text-input mono"
          data-testid="identity-input"
          type="text"
          placeholder="IIS AppPool\MySite, www-data, group:ssl-cert"
          spellCheck={false}
          autoComplete="off"
          disabled={disabled}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
        <label htmlFor={`${id}-list`} className="visually-hidden">
          Accounts on this machine
        </label>
        <select
          id={`${id}-list`}
          className="select"
          data-testid="identity-select"
          disabled={disabled || !identities}
          value={listed ? value : ''}
          onChange={(e) => {
            if (e.target.value) onChange(e.target.value);
          }}
        >
          <option value="">{identities ? `Pick one of ${identities.length} accounts on this machine…` : 'Reading the accounts…'}</option>
          {groups.map((g) => (
            <optgroup key={g.label} label={g.label}>
              {g.identities.map((i) => (
                <option key={`${i.kind}:${i.name}`} value={i.name}>
                  {i.name}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </div>
      {loadError && (
        <p className="error-line" role="alert" data-testid="identities-error">
          The accounts could not be listed ({loadError}); type the name instead.
        </p>
      )}
    </div>
  );
}
