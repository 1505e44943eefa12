// What the compute API needs from the rest of the lab, as one object: the worker wires it to
// the bus and HTTP; tests wire it to fakes. Data comes only through the conductor.
import type { RpcClient } from '../bus/rpc.js';
import type { ConductorApi } from '../rpc/conductor-api.js';
import type { ComputeApi } from '../rpc/compute-api.js';
import type { ConsoleAuthApi } from '../rpc/consoleauth-api.js';
import type { StepAnnouncement } from '../rpc/lab-api.js';
import type { TokenValidator } from '../common/http/keystone-auth.js';
import type { Logger } from '../common/log.js';
import type { PublishedEvent } from '../bus/wire.js';
import type { GlanceImage } from './views/image-view.js';

export interface GlanceClient {
  /** null when glance says 404. */
  getImage(token: string, id: string): Promise<GlanceImage | null>;
  listImages(token: string, query: Record<string, string>): Promise<GlanceImage[]>;
}

export interface ApiSettings {
  /** novncproxy_base_url from nova.conf. */
  novncproxyBaseUrl: string;
  serviceDownTime: number;
  identityUrl: string;
  glanceUrl: string;
  /** osapi_max_limit: the largest page a list returns. */
  maxLimit: number;
}

export interface ApiDeps {
  conductor: RpcClient<ConductorApi>;
  compute(host: string): RpcClient<ComputeApi>;
  consoleauth: RpcClient<ConsoleAuthApi>;
  /** Announce a boot/console step; in step mode this waits for the learner. Never throws. */
  step(a: StepAnnouncement): Promise<void>;
  publish(e: PublishedEvent): void;
  glance: GlanceClient;
  validator: TokenValidator;
  settings: ApiSettings;
  log: Logger;
}
