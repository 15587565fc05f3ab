/** Being written (issues 6-8). */
export function FindingsArea() {
  return <section className="pane" data-testid="findings-pane" />;
}
