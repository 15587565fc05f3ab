import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { channels, contract, ProgressEventSchema, type CertbenchApi, type ProgressEvent } from '../shared/contract';
import { PROGRESS_CHANNEL } from './ipc-shared';

/**
 * Exposes exactly one frozen object, window.certbench: one method per contract channel, plus
 * onProgress (DESIGN.md "The contract"). Nothing generic crosses the bridge: no raw invoke, send or
 * on(channel), and never an IpcRendererEvent, whose `sender` is ipcRenderer itself (Electron
 * security checklist 20: do not expose Electron APIs to untrusted web content).
 *
 * The preload runs sandboxed (no Node, CommonJS only); scripts/build.mjs bundles it with zod.
 */

type Invoke = (channel: string, request: unknown, requestId: unknown) => Promise<unknown>;

function buildApi(invoke: Invoke): CertbenchApi {
  const api: Record<string, unknown> = {};
  for (const channel of channels) {
    // The channel is fixed here, per method: the page chooses the request, never the channel.
    api[contract[channel].method] = (request: unknown, requestId?: unknown) => invoke(channel, request, requestId);
  }
  api.onProgress = (listener: (event: ProgressEvent) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('onProgress needs a function');
    const forward = (_event: IpcRendererEvent, payload: unknown): void => {
      const parsed = ProgressEventSchema.safeParse(payload);
      if (parsed.success) listener(parsed.data);
    };
    ipcRenderer.on(PROGRESS_CHANNEL, forward);
    // Remove our own wrapper: the listener the page passed arrives as a new proxy on every call.
    return () => {
      ipcRenderer.removeListener(PROGRESS_CHANNEL, forward);
    };
  };
  // The record holds exactly the contract's methods and onProgress, built from the same table
  // CertbenchApi is derived from; TypeScript cannot follow the loop, hence the one cast.
  return Object.freeze(api) as unknown as CertbenchApi;
}

const certbench = buildApi((channel, request, requestId) => ipcRenderer.invoke(channel, request, requestId));
contextBridge.exposeInMainWorld('certbench', certbench);
