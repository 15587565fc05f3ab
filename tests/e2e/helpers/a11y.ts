import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/**
 * The automated accessibility check of a screen (axe-core, WCAG 2.1 A and AA rules): no serious or
 * critical violation. Each violation is listed with the elements it hit, so a failure says what to fix.
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${screen}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}`);
  expect(bad, bad.join('\n')).toEqual([]);
}

/** Controls and columns cut off at the right edge: the document wider than the window, or a visible element past its right edge. */
export async function clippedAtRight(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth + 1) out.push(`document ${doc.scrollWidth} > ${doc.clientWidth}`);
    const right = doc.clientWidth;
    document.querySelectorAll<HTMLElement>('button, input, select, a[href], th, [role="columnheader"]').forEach((el) => {
      if (el.offsetParent === null) return;
      if (el.closest('[hidden], dialog:not([open])')) return;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) return;
      // Inside a scroller of its own (a wide table scrolled sideways on purpose) it can still be reached.
      let scroller: HTMLElement | null = el.parentElement;
      while (scroller && scroller !== document.body) {
        const style = getComputedStyle(scroller);
        if (/(auto|scroll)/.test(style.overflowX) && scroller.scrollWidth > scroller.clientWidth) break;
        scroller = scroller.parentElement;
      }
      if (scroller && scroller !== document.body) return;
      if (r.right > right + 1) out.push(`${el.tagName.toLowerCase()}[${el.dataset.testid ?? el.textContent?.trim().slice(0, 30) ?? ''}] ends at ${Math.round(r.right)} > ${right}`);
    });
    return out.slice(0, 10);
  });
}
