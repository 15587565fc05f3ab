/** Injected by the build (scripts/build.mjs) from package.json, so no JSON is read at run time. */
declare const __CERTBENCH_VERSION__: string | undefined;

export const APP_NAME = 'Certbench';
export const APP_VERSION: string = typeof __CERTBENCH_VERSION__ === 'string' ? __CERTBENCH_VERSION__ : '0.0.0-dev';
