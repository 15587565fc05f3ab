import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseRoute, routeHash } from '../../renderer/src/ui/shell/route';
import { holdsSecret, loadSession, saveSession } from '../../renderer/src/lib/session';

describe('area addresses', () => {
  it('gives each area an address that reads back as the same area', () => {
    for (const area of ['certificates', 'keys', 'probe', 'server', 'findings', 'bundles', 'lab'] as const) {
      expect(parseRoute(routeHash({ area }))?.area).toBe(area);
    }
    expect(routeHash({ area: 'findings' })).toBe('#/diagnose');
    expect(parseRoute(routeHash({ area: 'certificates', tab: 'stores' }))).toEqual({ area: 'certificates', tab: 'stores' });
  });

  it('opens the first screen on #/ and nothing on an address it does not know', () => {
    expect(parseRoute('#/')).toEqual({ area: 'start' });
    expect(parseRoute('')).toBeNull();
    expect(parseRoute('#/no-such-area')).toBeNull();
  });
});

describe('what a reload keeps', () => {
  const store = new Map<string, string>();
  beforeEach(() => {
    store.clear();
    vi.stubGlobal('window', {
      sessionStorage: {
        getItem: (k: string) => store.get(k) ?? null,
        setItem: (k: string, v: string) => void store.set(k, v),
        removeItem: (k: string) => void store.delete(k),
      },
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('keeps plain values for the session', () => {
    expect(saveSession('route', { area: 'probe' })).toBe(true);
    expect(loadSession('route')).toEqual({ area: 'probe' });
  });

  it('never keeps a value that carries a password or a key, at any depth', () => {
    expect(holdsSecret({ request: { clientCertificate: { password: 'pw' } } })).toBe(true);
    expect(holdsSecret({ request: { clientCertificate: { password: '' } } })).toBe(false);
    expect(saveSession('diagnosis', { request: { keyFile: { dataBase64: 'AAAA' } } })).toBe(false);
    expect(loadSession('diagnosis')).toBeNull();
    expect([...store.values()].join('')).not.toContain('AAAA');
  });
});
