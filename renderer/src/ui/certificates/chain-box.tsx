import type { ChainLink, ChainPath } from '../../../../shared/model/chain';
import type { Revocation } from '../../../../shared/model/revocation';
import { capitalise, plainText } from '../common/words';
import { groupHex } from '../../lib/hex';
import { CheckIcon, ChevronIcon, CrossIcon, QuestionIcon, WarningIcon } from '../common/icons';

const ROLE_WORD: Record<ChainLink['role'], string> = {
  root: 'Root',
  intermediate: 'Intermediate',
  leaf: 'Leaf',
  anchor: 'Trust anchor',
};

const STATUS_WORD: Record<ChainLink['status'], string> = { ok: 'All checks pass', fail: 'Problem', unknown: 'Not verified', warn: 'Passes, with a warning' };

/** "Revoked" above all; "Not trusted" when trust is the only thing wrong (the usual case for a private root), else the status. */
function statusWord(link: ChainLink): string {
  if (link.revocation?.status === 'revoked') return 'Revoked';
  const failing = link.checks.filter((c) => c.status === 'fail');
  if (link.status === 'fail' && failing.length > 0 && failing.every((c) => c.name === 'trust')) return 'Not trusted';
  return STATUS_WORD[link.status];
}

function StatusIcon({ status, size }: { status: ChainLink['status']; size: number }) {
  return status === 'ok' ? <CheckIcon size={size} /> : status === 'fail' ? <CrossIcon size={size} /> : status === 'warn' ? <WarningIcon size={size} /> : <QuestionIcon size={size} />;
}

function sentence(text: string): string {
  return capitalise(text);
}

/**
 * One certificate of a chain: who it is, what it is in the chain, where it was found, and each check
 * in words. The whole box opens the certificate (the title is the keyboard's way in).
 */
export function ChainBox({ link, onOpen }: { link: ChainLink; onOpen: (link: ChainLink) => void }) {
  const name = link.commonName ?? link.subject;
  // A revoked certificate fails whatever its own checks say: the box must not read "All checks pass".
  const status: ChainLink['status'] = link.revocation?.status === 'revoked' ? 'fail' : link.status;
  return (
    <div
      className={`chain-box is-${status}`}
      data-testid="chain-box"
      data-role={link.role}
      data-status={status}
      data-thumbprint={link.thumbprintSha1}
      onClick={() => onOpen(link)}
    >
      <div className="chain-box-head">
        <span className={`role-pill is-${link.role}`} data-testid="chain-box-role">
          {ROLE_WORD[link.role]}
        </span>
        <span className="chain-box-source" data-testid="chain-box-source">
          from {link.sources.map(plainText).join(', ') || 'an unknown source'}
        </span>
        <span className={`chain-box-status is-${status}`}>
          <StatusIcon status={status} size={15} />
          {statusWord(link)}
        </span>
      </div>
      <button
        type="button"
        className="chain-box-title"
        data-testid="chain-box-open"
        title="Show this certificate's details"
        onClick={(e) => {
          e.stopPropagation();
          onOpen(link);
        }}
      >
        <span data-testid="chain-box-name">{name}</span>
        <ChevronIcon size={16} />
      </button>
      {link.commonName && <p className="chain-box-dn">{link.subject}</p>}
      {link.revocation && <RevocationLine revocation={link.revocation} />}
      {link.checks.length > 0 && (
        <ul className="chain-checks" aria-label={`Checks on ${name}`}>
          {link.checks.map((c, i) => (
            <li key={`${c.name}:${i}`} className={`chain-check is-${c.status}`} data-testid="chain-check" data-check={c.name} data-status={c.status}>
              <span className="chain-check-mark" aria-label={c.status === 'ok' ? 'passes' : c.status === 'fail' ? 'fails' : c.status === 'warn' ? 'warning' : 'not verified'}>
                {c.status === 'ok' ? '✓' : c.status === 'fail' ? '✗' : c.status === 'warn' ? '!' : '?'}
              </span>
              <span>{sentence(c.text)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const REVOCATION_MARK: Record<Revocation['status'], { cls: ChainLink['status']; mark: string; label: string }> = {
  good: { cls: 'ok', mark: '✓', label: 'not revoked' },
  revoked: { cls: 'fail', mark: '✗', label: 'revoked' },
  unknown: { cls: 'warn', mark: '?', label: 'status unknown' },
  'could-not-check': { cls: 'warn', mark: '!', label: 'could not check' },
  'not-checked': { cls: 'unknown', mark: '–', label: 'not checked' },
};

/** The link's revocation answer in words: "Revoked on ... per CRL <url>", "Could not check: timeout at <url>". */
function RevocationLine({ revocation }: { revocation: Revocation }) {
  const m = REVOCATION_MARK[revocation.status];
  return (
    <p className={`chain-revocation is-${m.cls}`} data-testid="chain-revocation" data-status={revocation.status}>
      <span className="chain-check-mark" aria-label={m.label}>
        {m.mark}
      </span>
      <span>
        <span className="chain-revocation-label">Revocation: </span>
        {sentence(revocation.text)}
      </span>
    </p>
  );
}

/** The issuer that none of the opened files or stores holds: where the chain breaks. */
export function MissingBox({ missing }: { missing: NonNullable<ChainPath['missing']> }) {
  return (
    <div className="chain-box is-missing" data-testid="chain-missing">
      <div className="chain-box-head">
        <span className="role-pill is-missing">Issuer</span>
        <span className="chain-box-status is-fail">
          <CrossIcon size={15} />
          Not found
        </span>
      </div>
      <p className="chain-missing-name">
        Missing: <span data-testid="chain-missing-issuer">{missing.issuer || '(empty issuer name)'}</span>
      </p>
      {missing.authorityKeyId && (
        <p className="chain-box-dn">
          Its key identifier: <span className="mono">{groupHex(missing.authorityKeyId)}</span>
        </p>
      )}
      {missing.downloadUrls.map((url) => (
        // Plain text on purpose: a helpdesk user copies it into a browser they trust, nothing is fetched from here.
        <p key={url} className="chain-missing-url" data-testid="chain-missing-url">
          download from <span className="mono">{url}</span>
        </p>
      ))}
    </div>
  );
}
