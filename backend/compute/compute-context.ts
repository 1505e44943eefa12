// Everything a compute host's operations need, passed explicitly so each operation is a
// small function over this context.
import type { ConductorApi } from '../rpc/conductor-api.js';
import type { ComputeApi } from '../rpc/compute-api.js';
import type { LabApi } from '../rpc/lab-api.js';
import type { PublishedEvent } from '../bus/wire.js';
import type { Logger } from '../common/log.js';
import type { Accelerator, ComputeDriver, GuestArch, GuestSpec, VncListen } from './driver.js';
import type { ImageCache } from './image-cache.js';
import type { GlanceWriter } from './glance-writer.js';

export interface ComputeContext {
  host: string;
  driver: ComputeDriver;
  conductor: ConductorApi;
  lab: LabApi;
  images: ImageCache;
  /** Snapshot uploads and image deletes, with the service token. */
  glance: GlanceWriter;
  /** shelved_offload_time (seconds; 0 at once, -1 never). */
  shelvedOffloadTime: number;
  metadata: GuestSpec['metadata'];
  vncListen: VncListen;
  /** vncserver_proxyclient_address: what the proxy dials when a guest listens on every interface. */
  vncProxyclientAddress: string;
  acceleratorFor(arch: GuestArch, hypervisorType: string | undefined): Accelerator;
  publish(e: PublishedEvent): void;
  rescheduleCast(uuid: string, host: string, reason: string): void;
  deleteConsoleTokensCast(uuid: string): void;
  /** Casts to another host's nova-compute (a resize or migration hands work between hosts); main.ts sets it. */
  peerCast?(host: string): { [K in keyof ComputeApi]: (...a: Parameters<ComputeApi[K]>) => void };
  /** Where a lab host keeps its instance directories (every lab host is on this machine). */
  instancesDirOf?(host: string): string;
  log: Logger;
}
