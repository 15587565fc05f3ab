import type { Acl } from '../../../../shared/model/acl';
import { principalText, rightsText } from './acl-words';
import './keys.css';

/**
 * An ACL as a table, one entry a row in the order the OS evaluates them: who, allow or deny, the
 * rights in words and as the OS wrote them, whether inherited, and its flags (Windows OI/CI/IO/NP,
 * POSIX "default" and "owning-group").
 */
export function AclTable({ acl, testId = 'acl-table', caption }: { acl: Acl; testId?: string; caption?: string }) {
  return (
    <div className="table-scroll">
      <table className="data-table acl-table" data-testid={testId}>
        {caption && <caption className="visually-hidden">{caption}</caption>}
        <thead>
          <tr>
            <th scope="col">Principal</th>
            <th scope="col">Access</th>
            <th scope="col">Rights</th>
            <th scope="col">As written</th>
            <th scope="col">Inherited</th>
            <th scope="col">Flags</th>
          </tr>
        </thead>
        <tbody>
          {acl.entries.map((e, i) => {
            const p = principalText(e);
            return (
              <tr key={i} data-testid="acl-row" data-principal={e.principal.name} data-type={e.type}>
                <td>
                  <span className="mono">{p.name}</span>
                  {p.note && <span className="muted"> ({p.note})</span>}
                  {e.principal.sid && e.principal.sid !== p.name && <span className="muted mono acl-sid"> {e.principal.sid}</span>}
                </td>
                <td>
                  {e.type === 'allow' && e.rights.length === 0 ? (
                    <span className="mini-badge is-none" title="An allow entry that grants nothing">
                      No access
                    </span>
                  ) : (
                    <span className={`mini-badge is-${e.type}`}>{e.type === 'allow' ? 'Allow' : 'Deny'}</span>
                  )}
                </td>
                <td data-testid="acl-rights">{rightsText(e)}</td>
                <td className="mono">{e.rawRights}</td>
                <td>{e.inherited ? 'Yes' : 'No'}</td>
                <td>{e.flags.length ? e.flags.join(', ') : <span className="muted">none</span>}</td>
              </tr>
            );
          })}
          {acl.entries.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No entries: nobody but the owner's privileges reach this file.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
