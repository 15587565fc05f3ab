import { createHandlers, type HandlerTable } from '../../electron/handlers';
import { createServices, machineDeps, type Services } from '../../electron/services/services';

/**
 * Services as a front builds them, for a test: this machine's adapters over the environment given
 * (a data folder and home of the test's own, usually), so nothing is shared with another test.
 */
export function testServices(env: NodeJS.ProcessEnv = process.env): Services {
  return createServices(machineDeps(env));
}

/** The handler table over `services` (default: a fresh set over this process's environment). */
export function testHandlers(services: Services = testServices()): HandlerTable {
  return createHandlers(services);
}
