import type { GeneralName } from '../../../../shared/model/certificate';

/** The words Windows' certificate dialog uses for each kind of name. */
export const GENERAL_NAME_LABEL: Record<GeneralName['type'], string> = {
  dns: 'DNS name',
  ip: 'IP address',
  email: 'Email',
  uri: 'URI',
  upn: 'UPN',
  directory: 'Directory name',
  'registered-id': 'Registered ID',
  other: 'Other name',
};

/** Names with their kind in a column: subject alternative names, name constraints. */
export function GeneralNameList({ names, testId }: { names: GeneralName[]; testId: string }) {
  return (
    <ul className="san-list">
      {names.map((n, i) => (
        <li key={`${n.type}:${n.value}:${i}`} data-testid={testId}>
          <span className="san-type">{GENERAL_NAME_LABEL[n.type]}</span>
          <span className="san-value">{n.value}</span>
        </li>
      ))}
    </ul>
  );
}
