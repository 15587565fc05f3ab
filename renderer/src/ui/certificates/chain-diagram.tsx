import type { ChainLink, ChainPath } from '../../../../shared/model/chain';
import { ChainBox, MissingBox } from './chain-box';

/** The line between an issuer and the certificate it issued, with the arrow pointing at the latter. */
function Connector({ dashed }: { dashed?: boolean }) {
  return (
    <div className={`chain-connector${dashed ? ' is-dashed' : ''}`} aria-hidden="true">
      <span className="chain-connector-line" />
      <span className="chain-connector-label">issued</span>
    </div>
  );
}

/**
 * A chain drawn as people draw it on a whiteboard: the root on top, each CA below the one that
 * issued it, the leaf at the bottom. A missing issuer is a dashed red box where it would be.
 */
export function ChainDiagram({ path, onOpen }: { path: ChainPath; onOpen: (link: ChainLink) => void }) {
  const topDown = [...path.links].reverse();
  return (
    <ol className="chain" data-testid="chain-diagram" aria-label="Certification path, root first">
      {path.missing && (
        <li className="chain-step">
          <MissingBox missing={path.missing} />
          <Connector dashed />
        </li>
      )}
      {topDown.map((link, i) => (
        <li className="chain-step" key={`${link.thumbprintSha1}:${i}`}>
          <ChainBox link={link} onOpen={onOpen} />
          {i < topDown.length - 1 && <Connector />}
        </li>
      ))}
    </ol>
  );
}
