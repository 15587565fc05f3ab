import type { DiagnoseInput } from '../../shared/contract';
import type { DiagnoseReport } from '../../shared/model/diagnose';
import { ExecFileRunner } from '../platform/command-runner';
import { dataDir as defaultDataDir } from '../platform/data-dir';
import { createPlatform, withUserFolders } from '../platform';
import type { Platform } from '../platform/types';
import type { exportBundle, ExportInput, ExportOptions } from './bundle/export';
import type { openBundle, BundleSource } from './bundle/open';
import { analyzeChainsWithTrust, type ChainInput } from './chain';
import type { DiagnoseDeps } from './diagnose';
import { inspectCertificates } from './inspect';
import { createKeysService, type KeysService } from './keys';
import type { Lab } from './lab/lab';
import { createProbeService, type ProbeService } from './probe/handler';
import { createRevocationService, type RevocationService } from './revocation/service';
import type { analyzeServer, ServerAnalysisInput } from './server/analyze';
import { StoreFolders } from './store-folders';
import { createStoresService, type StoresService } from './stores';
import { createSystemTrust, type SystemTrustSource } from './system-trust';
import { systemClock, type Clock, type Work } from './work';

/**
 * The one place services are built (DESIGN.md "The contract"): main.ts, headless web mode (through
 * cli.ts serve) and cli.ts each build one set from their dependencies and hand it on, as GitHub
 * Desktop's ui/index.tsx builds every store and passes it in. Each service holds its own state (the
 * stores' listing cache, the system trust cache, the lab's running servers) for as long as the set
 * lives; nothing is kept at module level.
 */

/** What services run on: this OS's adapters, the one runner whose history bundles carry, the folders, the clock. */
export interface ServiceDeps {
  platform: Platform;
  runner: ExecFileRunner;
  folders: StoreFolders;
  clock: Clock;
  dataDir: string;
  /** The environment read for the system trust bundle override and Windows' IIS paths. */
  env: NodeJS.ProcessEnv;
}

export interface Services {
  deps: ServiceDeps;
  trust: SystemTrustSource;
  stores: StoresService;
  keys: KeysService;
  probe: ProbeService;
  /** CRL and OCSP checks of a chain (opt-in per analysis; Diagnose checks by default). */
  revocation: RevocationService;
  /** The lab, loaded on first use (its PKI brings PKI.js and node-forge, which nothing else at start needs). */
  lab: () => Promise<Lab>;
  inspect: typeof inspectCertificates;
  chains: (input: ChainInput, work: Work) => ReturnType<typeof analyzeChainsWithTrust>;
  server: (input: ServerAnalysisInput, work: Work) => ReturnType<typeof analyzeServer>;
  diagnose: (input: DiagnoseInput, work: Work) => Promise<DiagnoseReport>;
  bundles: {
    export: (input: ExportInput, work: Work, options?: ExportOptions) => ReturnType<typeof exportBundle>;
    open: (source: BundleSource, work: Work) => ReturnType<typeof openBundle>;
  };
}

/** The dependencies of this machine: its OS adapters with the user's folders, a real runner, the data folder of `env`. */
export function machineDeps(env: NodeJS.ProcessEnv = process.env): ServiceDeps {
  const dir = defaultDataDir(env);
  const runner = new ExecFileRunner();
  const folders = new StoreFolders(dir);
  const platform = withUserFolders(createPlatform(process.platform, runner, env), () => folders.list());
  return { platform, runner, folders, clock: systemClock, dataDir: dir, env };
}

export function createServices(deps: ServiceDeps): Services {
  const { platform, runner, folders, clock } = deps;
  const trust = createSystemTrust(deps.env);
  const stores = createStoresService({ platform, folders, trust, clock });
  const keys = createKeysService({ platform, stores, clock });
  const revocation = createRevocationService();
  // Diagnose, bundles and the server evidence readers are loaded on first use: a command line
  // that probes or lists stores never compiles them (the CLI's chunks, scripts/build.mjs).
  const server: Services['server'] = async (input, work) => (await import('./server/analyze')).analyzeServer(input, work, { runner, env: deps.env, platform: process.platform });
  const diagnoseDeps: DiagnoseDeps = { stores, keys, trust, runner, server, clock, revocation };
  const diagnoseOne: Services['diagnose'] = async (input, work) => (await import('./diagnose')).diagnose(input, work, diagnoseDeps);
  let lab: Promise<Lab> | null = null;
  return {
    deps,
    trust,
    stores,
    keys,
    probe: createProbeService({ runner, stores, trust, clock }),
    revocation,
    lab: () => (lab ??= Promise.all([import('./lab/lab'), import('./lab/lab-pki')]).then(([m, pki]) => new m.Lab(() => pki.labFolder(deps.env)))),
    inspect: inspectCertificates,
    chains: (input, work) => analyzeChainsWithTrust(input, work, trust, revocation),
    server,
    diagnose: diagnoseOne,
    bundles: {
      export: async (input, work, options) =>
        (await import('./bundle/export')).exportBundle(input, work, { diagnose: diagnoseOne, stores, acl: platform.acl, runner, dataDir: deps.dataDir, clock }, options),
      open: async (source, work) => (await import('./bundle/open')).openBundle(source, work),
    },
  };
}
