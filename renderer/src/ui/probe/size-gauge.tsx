import { CA_LIST_LIMIT, CA_LIST_OLD_LIMIT } from '../../../../shared/probe/findings';
import { formatCount } from './probe-words';

/**
 * The CA names' bytes against the limits that break Windows servers (KB 933430): Schannel's
 * 16,384-byte buffer, and 12,228 bytes on Windows Server 2003 without the hotfix. The scale reaches
 * past the limit, so a list of 25 KB shows how far over it is, and a list of 149 bytes shows how far
 * under. Colour and words agree: green under 12,228, amber between, red over 16,384.
 */
export function SizeGauge({ bytes }: { bytes: number }) {
  const scale = Math.max(CA_LIST_LIMIT * 1.25, bytes * 1.08);
  const at = (n: number) => `${Math.min(100, (n / scale) * 100).toFixed(2)}%`;
  const level = bytes > CA_LIST_LIMIT ? 'over' : bytes > CA_LIST_OLD_LIMIT ? 'near' : 'ok';
  const percent = Math.round((bytes / CA_LIST_LIMIT) * 100);
  const words =
    level === 'over'
      ? `${formatCount(bytes - CA_LIST_LIMIT)} bytes over the ${formatCount(CA_LIST_LIMIT)}-byte limit: Windows truncates this list, and clients may not find their issuer in it.`
      : level === 'near'
        ? `Under the ${formatCount(CA_LIST_LIMIT)}-byte limit, but over the ${formatCount(CA_LIST_OLD_LIMIT)} bytes of Windows Server 2003 without KB 933430.`
        : `${percent < 1 ? 'Under 1%' : `${percent}%`} of the ${formatCount(CA_LIST_LIMIT)}-byte limit.`;
  return (
    <div className={`size-gauge is-${level}`} data-testid="size-gauge" data-bytes={bytes} data-level={level}>
      <p className="size-gauge-value">
        <strong data-testid="gauge-bytes">{formatCount(bytes)} bytes</strong> of CA names
        <span className="size-gauge-words" data-testid="gauge-words">
          {' '}
          — {words}
        </span>
      </p>
      <div
        className="size-gauge-track"
        role="meter"
        aria-label="Size of the CA names list"
        aria-valuemin={0}
        aria-valuemax={Math.round(scale)}
        aria-valuenow={bytes}
        aria-valuetext={`${formatCount(bytes)} bytes; limit ${formatCount(CA_LIST_LIMIT)}`}
      >
        <div className="size-gauge-fill" style={{ width: at(bytes) }} />
        <div className="size-gauge-mark is-old" style={{ left: at(CA_LIST_OLD_LIMIT) }} />
        <div className="size-gauge-mark is-limit" style={{ left: at(CA_LIST_LIMIT) }} />
      </div>
      <div className="size-gauge-scale" aria-hidden="true">
        <span className="size-gauge-tick" style={{ left: at(CA_LIST_OLD_LIMIT) }}>
          {formatCount(CA_LIST_OLD_LIMIT)} (Server 2003)
        </span>
        <span className="size-gauge-tick is-limit" style={{ left: at(CA_LIST_LIMIT) }}>
          {formatCount(CA_LIST_LIMIT)} limit
        </span>
      </div>
    </div>
  );
}
