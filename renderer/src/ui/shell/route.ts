/**
 * Each area's address in the window's location hash (`#/probe`, `#/certificates/stores`), so Back and
 * Forward move between areas and a reload (F5, or the desktop window's own) opens the same one. The
 * hash is used rather than the path because the web mode serves one page and the desktop window
 * loads it from its own protocol; the `?token=` query stays out of it.
 */
export type RouteId = AreaId | 'start';

/** The areas of the app (the sidebar lists them in DESIGN.md's order). */
export type AreaId = 'certificates' | 'keys' | 'probe' | 'server' | 'findings' | 'bundles' | 'lab';

export interface Route {
  area: RouteId;
  /** Certificates only: which tab. */
  tab?: 'files' | 'stores';
}

/** Words in the address for each area; Diagnose is "diagnose" to users even though its code is findings. */
const SLUG: Record<RouteId, string> = {
  start: '',
  certificates: 'certificates',
  keys: 'keys',
  probe: 'probe',
  server: 'server',
  findings: 'diagnose',
  bundles: 'bundles',
  lab: 'lab',
};

export function routeHash(route: Route): string {
  if (route.area === 'start') return '#/';
  return `#/${SLUG[route.area]}${route.area === 'certificates' && route.tab === 'stores' ? '/stores' : ''}`;
}

/** The route an address names, or null when it names none (an empty hash, an unknown word). */
export function parseRoute(hash: string): Route | null {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts.length === 0) return hash.startsWith('#/') ? { area: 'start' } : null;
  const area = (Object.keys(SLUG) as RouteId[]).find((id) => SLUG[id] === parts[0]!.toLowerCase());
  if (!area || area === 'start') return null;
  if (area === 'certificates') return { area, tab: parts[1] === 'stores' ? 'stores' : 'files' };
  return { area };
}

export function sameRoute(a: Route, b: Route): boolean {
  return a.area === b.area && (a.area !== 'certificates' || (a.tab ?? 'files') === (b.tab ?? 'files'));
}
