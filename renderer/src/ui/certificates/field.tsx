import type { ReactNode } from 'react';

/** One labelled row of a certificate's details (a dt/dd pair, so screen readers read label and value together). */
export function Field({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  return (
    <div className="field" data-testid={`field-${testId}`}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
