/**
 * Bounds on what one request may carry, in a module of their own (no zod): the command line reads
 * them at start, and pulling in the contract's schemas for two numbers would cost every command the
 * parse of zod.
 */

/** Upper bound of one input file, enforced in the UI, the HTTP bridge, IPC and the CLI alike. */
export const MAX_INPUT_FILE_BYTES = 16 * 1024 * 1024;
/** Upper bound of files in one inspect request, so one drop cannot exhaust memory. */
export const MAX_INPUT_FILES = 200;
