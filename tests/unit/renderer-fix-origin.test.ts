import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { finding } from '../../shared/findings/catalogue';
import { fixIdsFor, fixesFor } from '../../shared/fixes';
import type { RankedFinding } from '../../shared/model/diagnose';
import { FixViewer } from '../../renderer/src/ui/diagnose/fix-viewer';
import { fixesForFinding } from '../../renderer/src/ui/diagnose/report-words';

/** Fix scripts read from an opened bundle are the bundle's, never shown as Certbench's fix. */
const f: RankedFinding = {
  ...finding('key.identity-cannot-read', 'www-data cannot read the key', 'www-data cannot read /srv/k.key.', [], { params: { keyPath: '/srv/k.key', identity: 'www-data' } }),
  rank: 1,
  likelihood: 'root-cause',
  why: 'test',
  area: 'key',
};
f.fixes = fixIdsFor(f);
const fixes = fixesForFinding(fixesFor([f], ['bash', 'powershell']).fixes, f);
const markup = (fromBundle: boolean) => renderToStaticMarkup(createElement(FixViewer, { finding: f, fixes, open: true, onClose: () => undefined, onApply: null, fromBundle }));

describe('the fix viewer of an opened bundle', () => {
  it('says the scripts came from the bundle, offers to regenerate them, and never titles them "Fix:"', () => {
    const html = markup(true);
    expect(html).toContain('Fix from the bundle: ');
    expect(html).toContain('data-origin="bundle"');
    expect(html).toContain('Regenerate with this Certbench');
    expect(html).not.toContain('>Fix: ');
  });

  it('keeps the plain title for Certbench own diagnosis', () => {
    const html = markup(false);
    expect(html).toContain('Fix: ');
    expect(html).not.toContain('data-testid="fix-origin"');
  });
});
