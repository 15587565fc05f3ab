import { useMemo, useState } from 'react';
import { base64 } from '@peculiar/utils';
import { dumpAsn1, type Asn1Node } from '../../../../shared/asn1/dump';
import { ChevronIcon } from '../common/icons';

/** Levels open at first: the certificate, then its three parts (to-be-signed, algorithm, signature). */
const OPEN_DEPTH = 2;

/** Dotted OID at the start of an OBJECT IDENTIFIER's value ("2.5.29.37 (Enhanced Key Usage)"). */
function oidOf(node: Asn1Node | undefined): string | null {
  return node && node.tag === 'OBJECT IDENTIFIER' && node.value ? (node.value.split(' ')[0] ?? null) : null;
}

/** Paths ("0.2.7") of every node with children, for "Expand all". */
function allPaths(node: Asn1Node, path: string, out: Set<string>): Set<string> {
  if (node.children.length) {
    out.add(path);
    node.children.forEach((c, i) => allPaths(c, `${path}.${i}`, out));
  }
  return out;
}

function initialPaths(node: Asn1Node, path: string, depth: number, out: Set<string>): Set<string> {
  if (depth >= OPEN_DEPTH || !node.children.length) return out;
  out.add(path);
  node.children.forEach((c, i) => initialPaths(c, `${path}.${i}`, depth + 1, out));
  return out;
}

/**
 * The certificate's raw ASN.1 (shared/asn1/dump.ts: bounded in nodes and depth), as a tree one can
 * open level by level, like `openssl asn1parse -i` but with extension values opened and OIDs named.
 */
export function Asn1Tree({ derBase64 }: { derBase64: string }) {
  const dump = useMemo(() => dumpAsn1(base64.decode(derBase64)), [derBase64]);
  const [open, setOpen] = useState<Set<string>>(() => (dump.root ? initialPaths(dump.root, '0', 0, new Set()) : new Set()));

  if (!dump.root) {
    return (
      <p className="file-error" data-testid="asn1-error">
        The ASN.1 could not be read: {dump.error}
      </p>
    );
  }
  const root = dump.root;
  const toggle = (path: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (!next.delete(path)) next.add(path);
      return next;
    });

  return (
    <div className="asn1" data-testid="asn1-tree">
      <div className="asn1-toolbar">
        <button type="button" className="button secondary small" data-testid="asn1-expand-all" onClick={() => setOpen(allPaths(root, '0', new Set()))}>
          Expand all
        </button>
        <button type="button" className="button secondary small" data-testid="asn1-collapse-all" onClick={() => setOpen(new Set(['0']))}>
          Collapse all
        </button>
        <span className="muted asn1-legend">Offset and length in bytes (header + content).</span>
      </div>
      {dump.truncated && (
        <p className="note is-warn" data-testid="asn1-truncated">
          This certificate is very large or deeply nested; only the first 5,000 elements are shown.
        </p>
      )}
      <ul className="asn1-list is-root">
        <Asn1Item node={root} path="0" open={open} toggle={toggle} />
      </ul>
    </div>
  );
}

function Asn1Item({ node, path, open, toggle }: { node: Asn1Node; path: string; open: Set<string>; toggle: (path: string) => void }) {
  const hasChildren = node.children.length > 0;
  const expanded = hasChildren && open.has(path);
  // A SEQUENCE that starts with an OID is named by it (an extension, an algorithm, a name attribute).
  const namedBy = hasChildren ? oidOf(node.children[0]) : null;
  const hint = namedBy ? node.children[0]!.value : null;
  return (
    <li className="asn1-node" data-testid="asn1-node" data-tag={node.tag} data-oid={namedBy ?? undefined}>
      <div className="asn1-row" data-testid="asn1-row">
        {hasChildren ? (
          <button
            type="button"
            className={`asn1-toggle${expanded ? ' is-open' : ''}`}
            aria-expanded={expanded}
            aria-label={`${expanded ? 'Collapse' : 'Expand'} ${node.tag} at offset ${node.offset}`}
            onClick={() => toggle(path)}
          >
            <ChevronIcon size={14} />
          </button>
        ) : (
          <span className="asn1-toggle-space" />
        )}
        <span className="asn1-tag">{node.tag}</span>
        {node.value !== null && node.value !== '' && <span className="asn1-value">{node.value}</span>}
        {hasChildren && !expanded && (
          <span className="asn1-hint">
            {hint ? `${hint} · ` : ''}
            {node.children.length} item{node.children.length === 1 ? '' : 's'}
          </span>
        )}
        <span className="asn1-pos">
          offset {node.offset} · length {node.headerLength}+{node.length}
        </span>
      </div>
      {expanded && (
        <ul className="asn1-list">
          {node.children.map((c, i) => (
            <Asn1Item key={i} node={c} path={`${path}.${i}`} open={open} toggle={toggle} />
          ))}
        </ul>
      )}
    </li>
  );
}
