import { randomUUID } from 'node:crypto';
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { channels, type Channel, type ProgressEvent, type Result } from '../shared/contract';
import { dispatch } from './dispatch';
import type { HandlerTable } from './handlers';
import { MAX_REQUEST_ID_LENGTH, PROGRESS_CHANNEL } from './ipc-shared';
import { isTrustedSender } from './security';

/**
 * The only module that touches ipcMain (lint forbids it elsewhere; GitHub Desktop's rule). Every
 * channel of the contract is registered here and served by dispatch(), the same wrapper the web mode
 * uses, so validation and error shaping cannot differ between the two.
 */

/** Sent instead of running anything when the sender is not the app's own page (checklist 17). */
export const FORBIDDEN_SENDER: Result<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'this request did not come from the Certbench window' },
};

function normaliseRequestId(raw: unknown): string {
  return typeof raw === 'string' && raw.length > 0 ? raw.slice(0, MAX_REQUEST_ID_LENGTH) : randomUUID();
}

/**
 * Serve one invoke: check the sender's frame, then dispatch with a progress sink bound to the
 * sender and an AbortSignal that fires when the sender's webContents is destroyed (window closed or
 * crashed), so long work stops instead of running for nobody.
 */
export async function serveInvoke(
  channel: Channel,
  event: IpcMainInvokeEvent,
  request: unknown,
  rawRequestId: unknown,
  table: HandlerTable,
): Promise<Result<unknown>> {
  if (!isTrustedSender(event.senderFrame?.url)) return FORBIDDEN_SENDER;
  const requestId = normaliseRequestId(rawRequestId);
  const sender = event.sender;
  const abort = new AbortController();
  const onDestroyed = (): void => abort.abort();
  sender.once('destroyed', onDestroyed);
  try {
    return await dispatch(
      channel,
      request,
      {
        mode: 'electron',
        signal: abort.signal,
        progress: (update) => {
          if (sender.isDestroyed()) return;
          const payload: ProgressEvent = { requestId, channel, ...update };
          sender.send(PROGRESS_CHANNEL, payload);
        },
      },
      table,
    );
  } finally {
    sender.removeListener('destroyed', onDestroyed);
  }
}

/** Register a handler for every channel in the contract; returns a function that removes them. */
export function registerIpcHandlers(table: HandlerTable): () => void {
  for (const channel of channels) {
    ipcMain.handle(channel, (event, request: unknown, requestId: unknown) =>
      serveInvoke(channel, event, request, requestId, table),
    );
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
