import { createContext, useContext } from 'react';
import type { DiagnoseReport } from '../../../../shared/model/diagnose';
import type { DiagnoseRequest } from '../../../../shared/contract';

/**
 * The last diagnosis made on this machine, so the Bundles page can export exactly what the
 * user just looked at instead of collecting again, and the Server side page can show what Diagnose read.
 */
export interface LastReport {
  report: DiagnoseReport | null;
  /** The request that produced it (without passwords: they are never kept). */
  request: DiagnoseRequest | null;
  /** What was asked, in one line (inputSummary), to show above the report. */
  asked: string | null;
  set: (report: DiagnoseReport, request: DiagnoseRequest, asked?: string | null) => void;
}

export const LastReportContext = createContext<LastReport>({ report: null, request: null, asked: null, set: () => {} });

export function useLastReport(): LastReport {
  return useContext(LastReportContext);
}
