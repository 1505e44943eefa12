// The twelve steps of the course's VM boot flow. The backend tags events with these ids;
// the GUI draws them. Text lives in the renderer's translations, keyed by id.

export const BOOT_STEPS = [
  'identity.credentials', // 1 credentials to identity
  'identity.token', //       2 token back
  'api.request', //          3 REST call to nova-api
  'api.policy', //           4 token and policy check
  'conductor.record', //     5 instance record created through the conductor
  'scheduler.call', //       6 rpc call to the scheduler
  'scheduler.decide', //     7 filtering and weighing
  'compute.cast', //         8 rpc cast to the chosen nova-compute
  'compute.network', //      9 network allocated
  'compute.driver', //      10 driver builds the QEMU command line and starts it
  'compute.image', //       11 image fetched into the host's cache
  'api.poll', //            12 client polls until ACTIVE
] as const;
export type BootStepId = (typeof BOOT_STEPS)[number];

export function bootStepNumber(id: BootStepId): number {
  return BOOT_STEPS.indexOf(id) + 1;
}

/** The course's 14 steps of a noVNC console session. */
export const CONSOLE_STEPS = [
  'browser.open',
  'api.request',
  'api.compute_call',
  'compute.driver_query',
  'driver.read_config',
  'driver.connect_info',
  'compute.token',
  'consoleauth.authorize',
  'api.url',
  'proxy.connect',
  'proxy.check_token',
  'consoleauth.validated',
  'proxy.relay',
  'compute.connect_info',
] as const;
export type ConsoleStepId = (typeof CONSOLE_STEPS)[number];
