import type { DiagnoseInput } from '../../shared/contract';
import type { DiagnoseReport } from '../../shared/model/diagnose';
import { ExecFileRunner } from '../platform/command-runner';
import { dataDir as defaultDataDir } from '../platform/data-dir';
import { createPlatform, withUserFolders } from '../platform';
import type { Platform } from '../platform/types';
import { exportBundle, type ExportInput, type ExportOptions } from './bundle/export';
import { openBundle, type BundleSource } from './bundle/open';
import { analyzeChainsWithTrust, type ChainInput } from './chain';
import { diagnose, type DiagnoseDeps } from './diagnose';
import { inspectCertificates } from './inspect';
import { createKeysService, type KeysService } from './keys';
import { Lab } from './lab/lab';
import { labFolder } from './lab/lab-pki';
import { createProbeService, type ProbeService } from './probe/handler';
import { createRevocationService, type RevocationService } from './revocation/service';
import { analyzeServer, type ServerAnalysisInput } from './server/analyze';
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
  lab: Lab;
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
  const server: Services['server'] = (input, work) => analyzeServer(input, work, { runner, env: deps.env, platform: process.platform });
  const diagnoseDeps: DiagnoseDeps = { stores, keys, trust, runner, server, clock, revocation };
  const diagnoseOne: Services['diagnose'] = (input, work) => diagnose(input, work, diagnoseDeps);
  return {
    deps,
    trust,
    stores,
    keys,
    probe: createProbeService({ runner, stores, trust, clock }),
    revocation,
    lab: new Lab(() => labFolder(deps.env)),
    inspect: inspectCertificates,
    chains: (input, work) => analyzeChainsWithTrust(input, work, trust, revocation),
    server,
    diagnose: diagnoseOne,
    bundles: {
      export: (input, work, options) => exportBundle(input, work, { diagnose: diagnoseOne, stores, acl: platform.acl, runner, dataDir: deps.dataDir, clock }, options),
      open: openBundle,
    },
  };
}
