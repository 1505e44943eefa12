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
  /** The record a snapshot's bytes will go to (queued), with the caller's token. */
  createImage(token: string, body: Record<string, unknown>): Promise<GlanceImage>;
  /** Share an image with a project (an admin's snapshot of another project's server). */
  addMember(token: string, id: string, project: string): Promise<void>;
  /** A refusal is Nova's translation of glance's (404 ImageNotFound, 403…). */
  deleteImage(token: string, id: string): Promise<void>;
  /** JSON-patch operations (add/replace/remove of properties): the image metadata API. */
  patchImage(token: string, id: string, ops: ImagePatchOp[]): Promise<GlanceImage>;
}

export type ImagePatchOp = { op: 'add' | 'replace'; path: string; value: string } | { op: 'remove'; path: string };

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
