import type { ChainPath } from '../model/chain';

const MARK = { ok: 'ok  ', fail: 'FAIL', unknown: '??  ', warn: 'WARN' } as const;

/**
 * The chain as an indented tree, root at the bottom, with each failing check and the revocation
 * answer (its own words, shared/revocation/answer.ts) under its link: what `certbench chain` prints
 * and a bundle's certificate/chain.txt holds.
 */
export function formatChain(path: ChainPath): string {
  const lines = [`== Chain (${path.status})`];
  path.links.forEach((l, i) => {
    const indent = '  '.repeat(i + 1);
    lines.push(`${indent}[${MARK[l.status]}] ${l.commonName ?? l.subject}  (${l.role}, ${l.thumbprintSha1}, from ${l.sources.join(', ')})`);
    for (const c of l.checks) if (c.status !== 'ok') lines.push(`${indent}       ${c.name}: ${c.text}`);
    if (l.revocation) lines.push(`${indent}       revocation: ${l.revocation.text}`);
  });
  if (path.missing) lines.push(`${'  '.repeat(path.links.length + 1)}[MISSING] ${path.missing.issuer}`);
  for (const p of path.problems) lines.push(`  - ${p}`);
  return lines.join('\n');
}
