import { Component, type ReactNode } from 'react';

/**
 * Around each area loaded when first opened (app.tsx): when its code cannot be loaded (the app was
 * rebuilt or updated while this page stayed open, so the chunk it names is gone) the area says so
 * with a way out, instead of the whole window going blank.
 */
export class AreaBoundary extends Component<{ children: ReactNode }, { error: string | null }> {
  override state = { error: null as string | null };

  static getDerivedStateFromError(err: unknown): { error: string } {
    return { error: err instanceof Error ? err.message : String(err) };
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return (
      <main className="pane" role="alert" data-testid="area-failed">
        <p>This page could not be loaded ({this.state.error}). Certbench may have been updated while this window was open.</p>
        <button type="button" onClick={() => window.location.reload()}>
          Reload
        </button>
      </main>
    );
  }
}
