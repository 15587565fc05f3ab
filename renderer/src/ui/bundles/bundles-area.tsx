/** Being written (issues 6-8). */
export function BundlesArea() {
  return <section className="pane" data-testid="bundles-pane" />;
}
