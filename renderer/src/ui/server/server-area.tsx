/** Being written (issues 6-8). */
export function ServerArea() {
  return <section className="pane" data-testid="server-pane" />;
}
