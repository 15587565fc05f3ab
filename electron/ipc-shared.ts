/**
 * IPC names that both the main process (ipc.ts) and the preload use besides the contract's channels.
 * Kept in a module of its own so the preload bundle does not pull in the main process's handlers.
 */

/** Progress of long work, main -> renderer (payload: ProgressEvent from shared/contract.ts). */
export const PROGRESS_CHANNEL = 'certbench:progress';

/** Request ids are chosen by the renderer to match progress events; anything longer is cut. */
export const MAX_REQUEST_ID_LENGTH = 64;
