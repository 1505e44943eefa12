// The routes the fuzzer aims at, read from the lab's own route tables: the express apps of
// nova-api, keystone and glance are built here (with inert dependencies, never served) and
// their router stacks walked, so a route added to any of them is fuzzed without a change
// here. The raw listeners (metadata, EC2, novncproxy, the GUI server) have no router: their
// paths come from the constants their code routes by.
import type { Express } from 'express';
import { computeApp } from '../../../backend/compute-api/app.js';
import { fakeCloud } from '../../../backend/compute-api/testing/fake-cloud.js';
import { identityApp } from '../../../backend/identity/http-app.js';
import type { IdentityDeps } from '../../../backend/identity/policy.js';
import { createApp as glanceApp } from '../../../backend/image/http-app.js';
import type { ImageService } from '../../../backend/image/image-service.js';
import { EC2_VERSIONS, OPENSTACK_VERSIONS } from '../../../backend/compute-api/metadata/content.js';
import { APP_FILES, PAGE_NAMES } from '../../../backend/console/request-route.js';
import type { Logger } from '../../../backend/common/log.js';
import { labRoutes } from '../../../backend/launcher/lab-routes.js';

export interface RouteEntry {
  /** Upper-case methods the route declares; empty when it answers every method. */
  methods: string[];
  /** An express path, ':name' for each parameter. */
  path: string;
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string | string[];
}

/** Pure: every route of an express app, with the prefixes of the routers it is mounted under. */
export function expressRoutes(app: Express): RouteEntry[] {
  const out: RouteEntry[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const methods = Object.keys(layer.route.methods)
          .filter((m) => m !== '_all')
          .map((m) => m.toUpperCase());
        for (const p of [layer.route.path].flat()) out.push({ methods, path: prefix + p });
      } else if (Array.isArray(layer.handle?.stack)) {
        for (const p of [layer.rawPath ?? '/'].flat()) walk(layer.handle!.stack!, prefix + (p === '/' ? '' : p));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out;
}

const quiet: Logger = { info() {}, warn() {}, error() {} };

export const computeRoutes = (): RouteEntry[] => expressRoutes(computeApp(fakeCloud().deps));

export const identityRoutes = (): RouteEntry[] =>
  expressRoutes(identityApp({ config: { urls: { identity: 'http://identity.invalid' } }, log: quiet } as unknown as IdentityDeps));

export const imageRoutes = (): RouteEntry[] =>
  expressRoutes(
    glanceApp({
      images: {} as ImageService,
      members: {} as never,
      metadefs: {} as never,
      tokens: { validate: async () => null },
      identityUrl: 'http://identity.invalid',
      log: quiet,
    }),
  );

/** The metadata service's tree (content.ts routes by these names). */
export const metadataPaths = (): string[] => [
  '/',
  '/openstack',
  '/openstack/',
  ...OPENSTACK_VERSIONS.flatMap((v) =>
    ['', 'meta_data.json', 'network_data.json', 'vendor_data.json', 'vendor_data2.json', 'user_data', 'password'].map(
      (f) => `/openstack/${v}/${f}`,
    ),
  ),
  ...EC2_VERSIONS.flatMap((v) =>
    [
      '',
      'user-data',
      'meta-data/',
      'meta-data/instance-id',
      'meta-data/public-keys/0/openssh-key',
      'meta-data/placement/availability-zone',
      'meta-data/block-device-mapping/root',
    ].map((f) => `/${v}/${f}`),
  ),
];

/** nova-novncproxy's pages and trees (request-route.ts). */
export const consolePaths = (): string[] => [
  '/',
  ...PAGE_NAMES.map((p) => `/${p}`),
  ...APP_FILES.map((f) => `/app/${f}`),
  '/core/rfb.js',
  '/core/util/logging.js',
  '/vendor/pako/lib/zlib/inflate.js',
];

/**
 * The GUI server's lab endpoints, from its own route table (lab-routes.ts; the event stream is
 * fuzzed as a WebSocket), the admin-only ones marked: the fuzzer never sends those an admin
 * token, so it cannot turn step mode on, rewrite nova.conf or restart a service mid-run.
 */
export const labApiRoutes = (): (RouteEntry & { adminOnly: boolean })[] =>
  labRoutes({ handlers: {} as never, events: {} as never })
    .filter((r) => !r.websocket)
    .map((r) => ({ methods: [r.method], path: r.path, adminOnly: r.access === 'admin' }));
