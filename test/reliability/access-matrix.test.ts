// The access matrix (issue 9): every route of every listener, enumerated from the routers
// themselves (compute, identity and image express apps; the lab server's route table), asked
// with no token, a garbage token and a revoked one (401 each), with another project's token
// on a project's resource (404 or 403) and with a member's token on admin routes (403), each
// answer in its service's own error format. A route nobody classified fails the test, so a
// new route is covered the day it is added. Routes public by design are listed as such and
// checked for what they reveal. One lab (fake driver) for all of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { computeApp } from '../../backend/compute-api/app.js';
import { fakeCloud } from '../../backend/compute-api/testing/fake-cloud.js';
import { identityApp } from '../../backend/identity/http-app.js';
import { createApp as imageApp } from '../../backend/image/http-app.js';
import { labRoutes } from '../../backend/launcher/lab-routes.js';
import { PAGE_NAMES } from '../../backend/console/request-route.js';
import { signInstanceId } from '../../backend/shared/metadata-signature.js';
import { startLab, labToken, type LabHandle } from '../../harness/lab-process.js';
import { ComputeClient } from '../../harness/compute-client.js';
import { expressRoutes } from '../../harness/route-table.js';
import type { PortName } from '../../contract/services.js';

type Service = 'compute' | 'identity' | 'image' | 'lab';
/**
 * member: any signed-in user, nothing of another project in the path;
 * collection: any signed-in user; the list must hold none of admin's project's resources;
 * owned: the path names admin's project's (or admin user's) resource: demo gets 404 or 403;
 * admin: admin only: demo gets 403;
 * public: no token needed, by design (checked for what it reveals).
 */
type Access = 'member' | 'collection' | 'owned' | 'admin' | 'public';

const PORT: Record<Service, PortName> = { compute: 'osapi_compute', identity: 'keystone', image: 'glance-api', lab: 'gui' };

/** Every route of the four routers, classified. Keys are "service METHOD path" as the routers spell them. */
const ACCESS: Record<string, Access> = {
  'compute GET /': 'public',
  'compute GET /v2.1': 'public',
  'compute GET /v2': 'public',
  'compute GET /v2.1/servers': 'collection',
  'compute POST /v2.1/servers': 'member',
  'compute GET /v2.1/servers/detail': 'collection',
  'compute GET /v2.1/servers/:id': 'owned',
  'compute PUT /v2.1/servers/:id': 'owned',
  'compute DELETE /v2.1/servers/:id': 'owned',
  'compute GET /v2.1/servers/:id/tags': 'owned',
  'compute PUT /v2.1/servers/:id/tags': 'owned',
  'compute DELETE /v2.1/servers/:id/tags': 'owned',
  'compute GET /v2.1/servers/:id/tags/:tag': 'owned',
  'compute PUT /v2.1/servers/:id/tags/:tag': 'owned',
  'compute DELETE /v2.1/servers/:id/tags/:tag': 'owned',
  'compute GET /v2.1/extensions': 'member',
  'compute GET /v2.1/extensions/:alias': 'member',
  'compute GET /v2.1/servers/:id/os-scheduler-trace': 'owned',
  'compute POST /v2.1/servers/:id/action': 'owned',
  'compute POST /v2.1/servers/:id/remote-consoles': 'owned',
  'compute GET /v2.1/servers/:id/os-instance-actions': 'owned',
  'compute GET /v2.1/servers/:id/migrations': 'owned',
  'compute GET /v2.1/os-migrations': 'admin',
  'compute GET /v2.1/servers/:id/os-instance-actions/:req': 'owned',
  'compute GET /v2.1/flavors': 'member',
  'compute POST /v2.1/flavors': 'admin',
  'compute GET /v2.1/flavors/detail': 'member',
  'compute GET /v2.1/flavors/:id': 'member',
  'compute PUT /v2.1/flavors/:id': 'admin',
  'compute DELETE /v2.1/flavors/:id': 'admin',
  'compute GET /v2.1/flavors/:id/os-extra_specs': 'member',
  'compute POST /v2.1/flavors/:id/os-extra_specs': 'admin',
  'compute GET /v2.1/flavors/:id/os-extra_specs/:key': 'member',
  'compute PUT /v2.1/flavors/:id/os-extra_specs/:key': 'admin',
  'compute DELETE /v2.1/flavors/:id/os-extra_specs/:key': 'admin',
  'compute GET /v2.1/flavors/:id/os-flavor-access': 'admin',
  'compute POST /v2.1/flavors/:id/action': 'admin',
  'compute GET /v2.1/os-simple-tenant-usage': 'admin',
  'compute GET /v2.1/os-simple-tenant-usage/:tenant_id': 'owned',
  'compute GET /v2.1/os-instance_usage_audit_log': 'admin',
  'compute GET /v2.1/os-instance_usage_audit_log/:before': 'admin',
  'compute GET /v2.1/os-keypairs': 'collection',
  'compute POST /v2.1/os-keypairs': 'member',
  'compute GET /v2.1/os-keypairs/:name': 'owned',
  'compute DELETE /v2.1/os-keypairs/:name': 'owned',
  'compute GET /v2.1/os-server-groups': 'collection',
  'compute POST /v2.1/os-server-groups': 'member',
  'compute GET /v2.1/os-server-groups/:id': 'owned',
  'compute DELETE /v2.1/os-server-groups/:id': 'owned',
  'compute GET /v2.1/limits': 'member',
  'compute GET /v2.1/os-quota-sets/:project': 'owned',
  'compute PUT /v2.1/os-quota-sets/:project': 'admin',
  'compute DELETE /v2.1/os-quota-sets/:project': 'admin',
  'compute GET /v2.1/os-quota-sets/:project/detail': 'owned',
  'compute GET /v2.1/os-quota-sets/:project/defaults': 'member',
  'compute GET /v2.1/os-hypervisors': 'admin',
  'compute GET /v2.1/os-hypervisors/detail': 'admin',
  'compute GET /v2.1/os-hypervisors/statistics': 'admin',
  'compute GET /v2.1/os-hypervisors/:id': 'admin',
  'compute GET /v2.1/os-hypervisors/:id/uptime': 'admin',
  'compute GET /v2.1/os-hypervisors/:pattern/search': 'admin',
  'compute GET /v2.1/os-hypervisors/:pattern/servers': 'admin',
  'compute GET /v2.1/servers/:id/os-server-password': 'owned',
  'compute DELETE /v2.1/servers/:id/os-server-password': 'owned',
  'compute POST /v2.1/os-server-external-events': 'admin',
  'compute GET /v2.1/os-quota-class-sets/:id': 'admin',
  'compute PUT /v2.1/os-quota-class-sets/:id': 'admin',
  'compute GET /v2.1/os-services': 'admin',
  'compute PUT /v2.1/os-services/:id': 'admin',
  'compute DELETE /v2.1/os-services/:id': 'admin',
  'compute GET /v2.1/os-availability-zone': 'member',
  'compute GET /v2.1/os-availability-zone/detail': 'admin',
  'compute GET /v2.1/servers/:id/diagnostics': 'owned', // admin-only; another project's server is a 404 first, as Nova
  'compute GET /v2.1/os-hosts': 'admin',
  'compute GET /v2.1/os-hosts/:id': 'admin',
  'compute PUT /v2.1/os-hosts/:id': 'admin',
  'compute GET /v2.1/os-hosts/:id/startup': 'admin',
  'compute GET /v2.1/os-hosts/:id/shutdown': 'admin',
  'compute GET /v2.1/os-hosts/:id/reboot': 'admin',
  'compute GET /v2.1/os-aggregates': 'admin',
  'compute GET /v2.1/os-aggregates/:id': 'admin',
  'compute POST /v2.1/os-aggregates': 'admin',
  'compute PUT /v2.1/os-aggregates/:id': 'admin',
  'compute DELETE /v2.1/os-aggregates/:id': 'admin',
  'compute POST /v2.1/os-aggregates/:id/action': 'admin',
  'compute GET /v2.1/images': 'collection',
  'compute GET /v2.1/images/detail': 'collection',
  'compute GET /v2.1/images/:id': 'owned',
  'compute DELETE /v2.1/images': 'member', // DELETE /images/ is a 404, the collection a 405
  'compute DELETE /v2.1/images/:id': 'owned',
  'compute GET /v2.1/images/:id/metadata': 'owned',
  'compute POST /v2.1/images/:id/metadata': 'owned',
  'compute PUT /v2.1/images/:id/metadata': 'owned',
  'compute GET /v2.1/images/:id/metadata/:key': 'owned',
  'compute PUT /v2.1/images/:id/metadata/:key': 'owned',
  'compute DELETE /v2.1/images/:id/metadata/:key': 'owned',

  'identity GET /': 'public',
  'identity GET /v3': 'public',
  'identity POST /v3/auth/tokens': 'public',
  'identity GET /v3/auth/tokens': 'owned', // X-Subject-Token: admin's token
  'identity DELETE /v3/auth/tokens': 'owned',
  'identity GET /v3/auth/projects': 'member',
  'identity GET /v3/auth/catalog': 'member',
  'identity GET /v3/domains': 'admin',
  'identity GET /v3/domains/:id': 'admin',
  'identity GET /v3/projects': 'collection',
  'identity POST /v3/projects': 'admin',
  'identity GET /v3/projects/:id': 'owned',
  'identity PATCH /v3/projects/:id': 'admin',
  'identity DELETE /v3/projects/:id': 'admin',
  'identity GET /v3/users': 'admin',
  'identity POST /v3/users': 'admin',
  'identity GET /v3/users/:id': 'owned',
  'identity PATCH /v3/users/:id': 'admin',
  'identity DELETE /v3/users/:id': 'admin',
  'identity GET /v3/users/:id/projects': 'owned',
  'identity GET /v3/roles': 'admin',
  'identity POST /v3/roles': 'admin',
  'identity GET /v3/roles/:id': 'admin',
  'identity GET /v3/projects/:project/users/:user/roles': 'admin',
  'identity GET /v3/projects/:project/users/:user/roles/:role': 'admin',
  'identity PUT /v3/projects/:project/users/:user/roles/:role': 'admin',
  'identity DELETE /v3/projects/:project/users/:user/roles/:role': 'admin',
  'identity GET /v3/role_assignments': 'admin',
  'identity GET /v3/services': 'admin',
  'identity GET /v3/services/:id': 'admin',
  'identity GET /v3/endpoints': 'admin',
  'identity GET /v3/endpoints/:id': 'admin',
  'identity GET /v3/regions': 'admin',
  'identity GET /v3/regions/:id': 'admin',

  'image GET /': 'public',
  'image GET /image': 'public',
  'image GET /image/': 'public',
  'image GET /versions': 'public',
  'image GET /image/versions': 'public',
  ...(Object.fromEntries(
    ['', '/image'].flatMap((p) => [
      [`image GET ${p}/v2/images`, 'collection'],
      [`image POST ${p}/v2/images`, 'member'],
      [`image GET ${p}/v2/images/:id`, 'owned'],
      [`image PATCH ${p}/v2/images/:id`, 'owned'],
      [`image DELETE ${p}/v2/images/:id`, 'owned'],
      [`image PUT ${p}/v2/images/:id/file`, 'owned'],
      [`image GET ${p}/v2/images/:id/file`, 'owned'],
      [`image PUT ${p}/v2/images/:id/tags/:tag`, 'owned'],
      [`image DELETE ${p}/v2/images/:id/tags/:tag`, 'owned'],
      [`image GET ${p}/v2/schemas/image`, 'member'],
      [`image GET ${p}/v2/schemas/images`, 'member'],
      [`image POST ${p}/v2/images/:id/actions/deactivate`, 'owned'],
      [`image POST ${p}/v2/images/:id/actions/reactivate`, 'owned'],
      [`image GET ${p}/v2/images/:id/members`, 'owned'],
      [`image POST ${p}/v2/images/:id/members`, 'owned'],
      [`image GET ${p}/v2/images/:id/members/:member`, 'owned'],
      [`image PUT ${p}/v2/images/:id/members/:member`, 'owned'],
      [`image DELETE ${p}/v2/images/:id/members/:member`, 'owned'],
      [`image GET ${p}/v2/schemas/member`, 'member'],
      [`image GET ${p}/v2/schemas/members`, 'member'],
      // Metadefs: admin's private namespace (fx.namespace) is a 404 to demo; writes are admin-only.
      [`image GET ${p}/v2/metadefs/namespaces`, 'collection'],
      [`image POST ${p}/v2/metadefs/namespaces`, 'admin'],
      [`image GET ${p}/v2/metadefs/resource_types`, 'member'],
      [`image GET ${p}/v2/schemas/metadefs/:kind`, 'member'],
      ...[
        ['GET', ''],
        ['PUT', ''],
        ['DELETE', ''],
        ['GET', '/objects'],
        ['POST', '/objects'],
        ['DELETE', '/objects'],
        ['GET', '/objects/:object'],
        ['PUT', '/objects/:object'],
        ['DELETE', '/objects/:object'],
        ['GET', '/properties'],
        ['POST', '/properties'],
        ['DELETE', '/properties'],
        ['GET', '/properties/:property'],
        ['PUT', '/properties/:property'],
        ['DELETE', '/properties/:property'],
        ['GET', '/tags'],
        ['POST', '/tags'],
        ['DELETE', '/tags'],
        ['GET', '/tags/:tag'],
        ['POST', '/tags/:tag'],
        ['PUT', '/tags/:tag'],
        ['DELETE', '/tags/:tag'],
        ['GET', '/resource_types'],
        ['POST', '/resource_types'],
        ['DELETE', '/resource_types/:resource_type'],
      ].map(([m, sub]) => [`image ${m} ${p}/v2/metadefs/namespaces/:namespace${sub}`, 'owned']),
    ]),
  ) as Record<string, Access>),

  'lab GET /lab/api/info': 'public',
  'lab GET /lab/api/services': 'member',
  'lab GET /lab/api/events': 'member', // scoped by project: test/reliability/event-scope.test.ts
  'lab GET /lab/api/events/stream': 'member', // a WebSocket: checked below
  'lab GET /lab/api/step-mode': 'member',
  'lab PUT /lab/api/step-mode': 'admin',
  'lab POST /lab/api/step-mode/next': 'admin',
  'lab GET /lab/api/config': 'member',
  'lab PUT /lab/api/config': 'admin',
  'lab POST /lab/api/services/:binary/restart': 'admin',
  'lab GET /lab/api/architecture': 'admin', // nova-api's pids per port, the hosts' ratios: the admin's overview
};

/** Routes that exist only below some microversion are asked at one where they exist (2.79 otherwise). */
const MICROVERSION: Record<string, string> = {
  'compute GET /v2.1/os-hypervisors/:pattern/search': '2.52',
  'compute GET /v2.1/os-hypervisors/:pattern/servers': '2.52',
  // os-hosts went away in 2.43.
  'compute GET /v2.1/os-hosts': '2.42',
  'compute GET /v2.1/os-hosts/:id': '2.42',
  'compute PUT /v2.1/os-hosts/:id': '2.42',
  'compute GET /v2.1/os-hosts/:id/startup': '2.42',
  'compute GET /v2.1/os-hosts/:id/shutdown': '2.42',
  'compute GET /v2.1/os-hosts/:id/reboot': '2.42',
  // The image proxy API went away in 2.36.
  'compute GET /v2.1/images': '2.35',
  'compute GET /v2.1/images/detail': '2.35',
  'compute GET /v2.1/images/:id': '2.35',
  'compute DELETE /v2.1/images': '2.35',
  'compute DELETE /v2.1/images/:id': '2.35',
  // Its metadata calls went away in 2.39.
  'compute GET /v2.1/images/:id/metadata': '2.38',
  'compute POST /v2.1/images/:id/metadata': '2.38',
  'compute PUT /v2.1/images/:id/metadata': '2.38',
  'compute GET /v2.1/images/:id/metadata/:key': '2.38',
  'compute PUT /v2.1/images/:id/metadata/:key': '2.38',
  'compute DELETE /v2.1/images/:id/metadata/:key': '2.38',
};

interface Route {
  service: Service;
  method: string;
  path: string;
  websocket?: boolean;
}

/** The routes as the routers themselves list them: nothing here is typed by hand. */
function enumerateRoutes(): Route[] {
  const log = { info() {}, warn() {}, error() {} } as never;
  const of = (service: Service, routes: { method: string; path: string; websocket?: boolean }[]) => routes.map((r) => ({ service, ...r }));
  return [
    ...of('compute', expressRoutes(computeApp(fakeCloud().deps))),
    ...of(
      'identity',
      expressRoutes(
        identityApp({
          store: {} as never,
          tokens: {} as never,
          config: { urls: { identity: 'http://x' } } as never,
          catalog: [],
          publish() {},
          log,
        }),
      ),
    ),
    ...of(
      'image',
      expressRoutes(
        imageApp({ images: {} as never, members: {} as never, metadefs: {} as never, tokens: {} as never, identityUrl: 'http://x', log }),
      ),
    ),
    ...of(
      'lab',
      labRoutes({ handlers: {} as never, events: {} as never }).map((r) => ({ method: r.method, path: r.path, websocket: r.websocket })),
    ),
  ];
}

let lab: LabHandle;
let admin: ComputeClient;
let demo: ComputeClient;
let revoked: string;
/** Admin's project's resources, named in the paths demo tries. */
const fx = {
  adminProject: '',
  adminUser: '',
  demoProject: '',
  server: '',
  requestId: '',
  keypair: `kp-admin-${randomBytes(3).toString('hex')}`,
  group: '',
  image: '',
  flavor: '',
  privateFlavor: '',
  scratchProject: '',
  scratchUser: '',
  memberRole: '',
  service: '',
  adminSubject: '',
  computeHost: '',
  namespace: `matrix-ns-${randomBytes(3).toString('hex')}`,
};

async function keystone(method: string, p: string, token: string, body?: unknown, extra: Record<string, string> = {}) {
  const res = await fetch(lab.url('keystone', p), {
    method,
    headers: { 'X-Auth-Token': token, 'content-type': 'application/json', ...extra },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

before(async () => {
  lab = await startLab({
    novaConf: '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 1\nmetadata_workers = 1\nec2_workers = 1\n',
  });
  admin = await ComputeClient.admin(lab);
  demo = await ComputeClient.user(lab, 'demo', 'demo');
  fx.adminProject = await admin.projectId();
  fx.demoProject = await demo.projectId();
  const who = await keystone('GET', '/v3/auth/tokens', admin.authToken, undefined, { 'X-Subject-Token': admin.authToken });
  fx.adminUser = who.body.token.user.id;
  fx.memberRole = (await keystone('GET', '/v3/roles?name=member', admin.authToken)).body.roles[0].id;
  fx.scratchProject = (
    await keystone('POST', '/v3/projects', admin.authToken, {
      project: { name: `matrix-${randomBytes(3).toString('hex')}`, domain_id: 'default' },
    })
  ).body.project.id;
  fx.scratchUser = (
    await keystone('POST', '/v3/users', admin.authToken, {
      user: { name: `matrix-${randomBytes(3).toString('hex')}`, domain_id: 'default', password: 'matrix-pw' },
    })
  ).body.user.id;
  fx.service = (await keystone('GET', '/v3/services', admin.authToken)).body.services[0].id;
  fx.adminSubject = await labToken(lab); // a second admin token, the subject demo tries to read or revoke

  const image = await admin.imageId('novalab-x86_64');
  const created = await admin.request('POST', '/servers', {
    server: { name: 'matrix-vm', imageRef: image, flavorRef: '1', networks: 'none' },
  });
  fx.server = created.body.server.id;
  fx.requestId = created.headers.get('x-openstack-request-id')!;
  assert.equal((await admin.settled(fx.server)).status, 'ACTIVE');
  fx.computeHost = String(((await admin.server(fx.server)) as unknown as Record<string, unknown>)['OS-EXT-SRV-ATTR:host']);
  assert.equal((await admin.request('POST', '/os-keypairs', { keypair: { name: fx.keypair } })).status, 201);
  fx.group = (
    await admin.request('POST', '/os-server-groups', { server_group: { name: 'matrix-group', policy: 'anti-affinity' } })
  ).body.server_group.id;
  const flavor = await admin.request('POST', '/flavors', {
    flavor: { name: `matrix-${randomBytes(3).toString('hex')}`, ram: 64, vcpus: 1, disk: 1 },
  });
  fx.flavor = flavor.body.flavor.id;
  const priv = await admin.request('POST', '/flavors', {
    flavor: { name: `matrix-private-${randomBytes(3).toString('hex')}`, ram: 64, vcpus: 1, disk: 1, 'os-flavor-access:is_public': false },
  });
  assert.equal(priv.status, 200, JSON.stringify(priv.body));
  fx.privateFlavor = priv.body.flavor.id;
  assert.equal(
    (await admin.request('POST', `/flavors/${fx.flavor}/os-extra_specs`, { extra_specs: { 'hw:cpu_policy': 'shared' } })).status,
    200,
  );
  const privImage = await fetch(lab.url('glance-api', '/v2/images'), {
    method: 'POST',
    headers: { 'X-Auth-Token': admin.authToken, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'matrix-private', disk_format: 'raw', container_format: 'bare', visibility: 'private' }),
  });
  fx.image = ((await privImage.json()) as { id: string }).id;
  // Admin's private metadefs namespace, with one of each definition inside it.
  const ns = await fetch(lab.url('glance-api', '/v2/metadefs/namespaces'), {
    method: 'POST',
    headers: { 'X-Auth-Token': admin.authToken, 'content-type': 'application/json' },
    body: JSON.stringify({
      namespace: fx.namespace,
      visibility: 'private',
      objects: [{ name: 'matrix-object' }],
      properties: { 'matrix-prop': { type: 'string', title: 'Matrix' } },
      tags: [{ name: 'matrix' }],
      resource_type_associations: [{ name: 'OS::Glance::Image' }],
    }),
  });
  assert.equal(ns.status, 201, await ns.text());

  // A revoked token: used everywhere first (so every validator has it cached), revoked, then
  // left past the validators' 5 s cache, as a stolen-then-revoked token would be.
  revoked = await labToken(lab);
  for (const [port, p] of [
    ['osapi_compute', '/v2.1/servers'],
    ['glance-api', '/v2/images'],
    ['gui', '/lab/api/services'],
  ] as const) {
    assert.equal(
      (await fetch(lab.url(port, p), { headers: { 'X-Auth-Token': revoked, 'OpenStack-API-Version': 'compute 2.79' } })).status,
      200,
    );
  }
  assert.equal((await keystone('DELETE', '/v3/auth/tokens', revoked, undefined, { 'X-Subject-Token': revoked })).status, 204);
  await new Promise((r) => setTimeout(r, 6000));
});

after(async () => {
  await lab?.stop();
});

/** The route's path with its parameters filled with admin's project's resources. */
function fill(r: Route): string {
  const p = r.path;
  const value = (name: string): string => {
    if (r.service === 'compute') {
      if (p.startsWith('/v2.1/servers')) return name === 'req' ? fx.requestId : name === 'tag' ? 'matrix' : fx.server;
      if (p.startsWith('/v2.1/extensions')) return 'os-hosts';
      if (p.startsWith('/v2.1/flavors')) return name === 'key' ? 'hw:cpu_policy' : fx.flavor;
      if (p.startsWith('/v2.1/os-keypairs')) return fx.keypair;
      if (p.startsWith('/v2.1/os-server-groups')) return fx.group;
      if (p.startsWith('/v2.1/os-quota-sets')) return fx.adminProject;
      if (p.startsWith('/v2.1/os-quota-class-sets')) return 'default';
      if (p.startsWith('/v2.1/os-hypervisors')) return name === 'pattern' ? 'host' : '1';
      if (p.startsWith('/v2.1/os-services')) return '1';
      if (p.startsWith('/v2.1/os-aggregates')) return '1';
      if (p.startsWith('/v2.1/os-hosts')) return fx.computeHost;
      if (p.startsWith('/v2.1/os-simple-tenant-usage')) return fx.adminProject;
      if (p.startsWith('/v2.1/os-instance_usage_audit_log')) return '2026-12-07 09:00:00';
      if (p.startsWith('/v2.1/images')) return fx.image;
    }
    if (r.service === 'identity') {
      if (p.startsWith('/v3/projects/:project'))
        return ({ project: fx.scratchProject, user: fx.scratchUser, role: fx.memberRole } as Record<string, string>)[name]!;
      if (p.startsWith('/v3/projects')) return r.method === 'GET' ? fx.adminProject : fx.scratchProject;
      if (p.startsWith('/v3/users')) return r.method === 'GET' ? fx.adminUser : fx.scratchUser;
      if (p.startsWith('/v3/roles')) return fx.memberRole;
      if (p.startsWith('/v3/domains')) return 'default';
      if (p.startsWith('/v3/services')) return fx.service;
      if (p.startsWith('/v3/regions')) return 'RegionOne';
      if (p.startsWith('/v3/endpoints')) return 'any';
    }
    if (r.service === 'image') {
      const named: Record<string, string> = {
        tag: 'matrix',
        member: fx.demoProject,
        namespace: fx.namespace,
        object: 'matrix-object',
        property: 'matrix-prop',
        resource_type: 'OS::Glance::Image',
        kind: 'namespace',
      };
      return named[name] ?? fx.image;
    }
    if (r.service === 'lab') return 'nova-scheduler';
    throw new Error(`no value for :${name} in ${r.service} ${r.path}`);
  };
  return p.replace(/:([A-Za-z_]+)/g, (_, name: string) => encodeURIComponent(value(name)));
}

/** A body the route would accept from an authorised caller, so a refusal is about who asks. */
function bodyFor(r: Route): { body?: string; type?: string } {
  const json = (v: unknown) => ({ body: JSON.stringify(v), type: 'application/json' });
  const k = `${r.method} ${r.path}`;
  if (r.service === 'compute') {
    if (k === 'POST /v2.1/servers/:id/action') return json({ 'os-stop': null });
    if (k === 'PUT /v2.1/servers/:id') return json({ server: { name: 'by-demo' } });
    if (k === 'POST /v2.1/images/:id/metadata' || k === 'PUT /v2.1/images/:id/metadata') return json({ metadata: { by: 'demo' } });
    if (k === 'PUT /v2.1/images/:id/metadata/:key') return json({ meta: { [fx.image]: 'by-demo' } });
    if (k === 'PUT /v2.1/servers/:id/tags') return json({ tags: ['by-demo'] });
    if (k === 'PUT /v2.1/servers/:id/tags/:tag') return {};
    if (k === 'POST /v2.1/servers/:id/remote-consoles') return json({ remote_console: { protocol: 'vnc', type: 'novnc' } });
    if (k === 'POST /v2.1/flavors') return json({ flavor: { name: 'matrix-by-demo', ram: 64, vcpus: 1, disk: 1 } });
    if (k === 'PUT /v2.1/flavors/:id') return json({ flavor: { description: 'by demo' } });
    if (k === 'POST /v2.1/flavors/:id/os-extra_specs') return json({ extra_specs: { 'hw:cpu_policy': 'shared' } });
    if (k === 'PUT /v2.1/flavors/:id/os-extra_specs/:key') return json({ 'hw:cpu_policy': 'shared' });
    if (k === 'POST /v2.1/flavors/:id/action') return json({ addTenantAccess: { tenant: fx.demoProject } });
    if (k === 'PUT /v2.1/os-quota-sets/:project') return json({ quota_set: { instances: 11 } });
    if (k === 'PUT /v2.1/os-services/:id') return json({ status: 'disabled' });
    if (k === 'PUT /v2.1/os-hosts/:id') return json({ status: 'disable' });
    if (k === 'POST /v2.1/os-aggregates') return json({ aggregate: { name: 'by-demo' } });
    if (k === 'PUT /v2.1/os-aggregates/:id') return json({ aggregate: { name: 'by-demo' } });
    if (k === 'POST /v2.1/os-aggregates/:id/action') return json({ set_metadata: { metadata: { by: 'demo' } } });
    if (r.method === 'POST' || r.method === 'PUT') return json({});
  }
  if (r.service === 'identity') {
    if (k === 'POST /v3/projects') return json({ project: { name: 'by-demo', domain_id: 'default' } });
    if (k === 'PATCH /v3/projects/:id') return json({ project: { description: 'by demo' } });
    if (k === 'POST /v3/users') return json({ user: { name: 'by-demo', domain_id: 'default', password: 'x' } });
    if (k === 'PATCH /v3/users/:id') return json({ user: { description: 'by demo' } });
    if (k === 'POST /v3/roles') return json({ role: { name: 'by-demo' } });
    if (r.method !== 'GET' && r.method !== 'DELETE') return json({});
  }
  if (r.service === 'image') {
    if (r.method === 'PATCH')
      return {
        body: JSON.stringify([{ op: 'replace', path: '/name', value: 'by-demo' }]),
        type: 'application/openstack-images-v2.1-json-patch',
      };
    if (r.path.endsWith('/file') && r.method === 'PUT') return { body: 'x'.repeat(512), type: 'application/octet-stream' };
    if (r.path.endsWith('/members') && r.method === 'POST') return json({ member: fx.demoProject });
    if (r.path.endsWith('/members/:member') && r.method === 'PUT') return json({ status: 'accepted' });
    if (r.path.includes('/metadefs/') && r.method === 'PUT')
      return json({ namespace: fx.namespace, name: 'by-demo', type: 'string', title: 'x' });
    if (r.path.includes('/metadefs/') && r.method === 'POST')
      return json({ namespace: 'by-demo', name: 'by-demo', type: 'string', title: 'x' });
    if (r.method === 'POST') return json({ name: 'by-demo', disk_format: 'raw', container_format: 'bare' });
  }
  if (r.service === 'lab') {
    if (r.method === 'PUT' && r.path.endsWith('config'))
      return json({ changes: [{ section: 'DEFAULT', name: 'cpu_allocation_ratio', value: 4 }] });
    if (r.method === 'PUT') return json({ enabled: false });
    if (r.method === 'POST') return json({});
  }
  return {};
}

interface Answer {
  status: number;
  type: string;
  text: string;
}

async function ask(r: Route, token: string | null, extraHeaders: Record<string, string> = {}): Promise<Answer> {
  const { body, type } = bodyFor(r);
  const headers: Record<string, string> = { 'OpenStack-API-Version': `compute ${MICROVERSION[key(r)] ?? '2.79'}`, ...extraHeaders };
  if (token !== null) headers['X-Auth-Token'] = token;
  if (type) headers['content-type'] = type;
  const res = await fetch(lab.url(PORT[r.service], fill(r)), { method: r.method, headers, body });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** The answer is an error in the service's own format. */
function assertFormat(r: Route, a: Answer, status: number, what: string): void {
  const where = `${what}: ${r.service} ${r.method} ${r.path}`;
  assert.equal(a.status, status, `${where} answered ${a.status} ${a.text.slice(0, 200)}`);
  if (r.service === 'image' && status !== 401) {
    assert.match(a.text, new RegExp(`^${status} `), `${where}: not glance's plain-text error`);
    return;
  }
  const body = JSON.parse(a.text) as Record<string, { code?: number; message?: string }>;
  if (r.service === 'compute') {
    const [name, fault] = Object.entries(body)[0]!;
    assert.ok(name && fault?.code === status && typeof fault.message === 'string', `${where}: not a Nova fault: ${a.text.slice(0, 200)}`);
  } else {
    // Keystone's shape, which the lab's own endpoints share.
    const e = body.error as { code?: number; title?: string; message?: string } | undefined;
    assert.ok(
      e?.code === status && typeof e.title === 'string' && typeof e.message === 'string',
      `${where}: not an {"error": {code, title, message}} body: ${a.text.slice(0, 200)}`,
    );
  }
}

const routes = enumerateRoutes();
const key = (r: Route) => `${r.service} ${r.method} ${r.path}`;
const protectedRoutes = routes.filter((r) => ACCESS[key(r)] !== 'public' && !r.websocket);

test('every route the routers serve is classified, and every classified route still exists', () => {
  assert.ok(routes.length > 100, `only ${routes.length} routes enumerated`);
  const unknown = routes.filter((r) => !(key(r) in ACCESS)).map(key);
  assert.deepEqual(unknown, [], 'routes nobody classified: add them to ACCESS');
  const stale = Object.keys(ACCESS).filter((k) => !routes.some((r) => key(r) === k));
  assert.deepEqual(stale, [], 'ACCESS names routes the routers no longer serve');
});

test('no token, a garbage token and a revoked token: 401 on every protected route', async () => {
  const garbage = `gAAAAA${randomBytes(24).toString('base64url')}`;
  for (const r of protectedRoutes) {
    assertFormat(r, await ask(r, null), 401, 'no token');
    assertFormat(r, await ask(r, garbage), 401, 'garbage token');
    assertFormat(r, await ask(r, revoked), 401, 'revoked token');
  }
});

test('a member on admin-only routes: 403', async () => {
  for (const r of protectedRoutes.filter((x) => ACCESS[key(x)] === 'admin'))
    assertFormat(r, await ask(r, demo.authToken), 403, 'member on an admin route');
});

test("another project's resources: 404 or 403 for demo, and admin's resources are untouched", async () => {
  for (const r of protectedRoutes.filter((x) => ACCESS[key(x)] === 'owned')) {
    const subject: Record<string, string> =
      r.service === 'identity' && r.path === '/v3/auth/tokens' ? { 'X-Subject-Token': fx.adminSubject } : {};
    const a = await ask(r, demo.authToken, subject);
    assert.ok(
      a.status === 404 || a.status === 403,
      `demo on admin's ${r.service} ${r.method} ${fill(r)}: ${a.status} ${a.text.slice(0, 200)}`,
    );
    assertFormat(r, a, a.status, "another project's resource");
  }
  // Still there, as admin left them.
  assert.equal((await admin.server(fx.server)).status, 'ACTIVE');
  assert.equal((await admin.request('GET', `/os-keypairs/${fx.keypair}`)).status, 200);
  assert.equal((await admin.request('GET', `/os-server-groups/${fx.group}`)).status, 200);
  assert.equal((await keystone('GET', '/v3/auth/tokens', fx.adminSubject, undefined, { 'X-Subject-Token': fx.adminSubject })).status, 200);
});

test("lists show a member its own project's resources only; member routes answer a member", async () => {
  const adminIds = () => [fx.server, fx.keypair, fx.group, fx.image, fx.adminProject, fx.scratchProject];
  for (const r of protectedRoutes.filter((x) => ['collection', 'member'].includes(ACCESS[key(x)]!) && x.method === 'GET')) {
    const a = await ask(r, demo.authToken);
    assert.equal(a.status, 200, `demo on ${r.service} GET ${fill(r)}: ${a.status} ${a.text.slice(0, 200)}`);
    // An id demo itself put in the path may come back (a quota set names its project); no other may.
    const leak = adminIds().find((id) => a.text.includes(id) && !fill(r).includes(id));
    if (r.path !== '/lab/api/events') assert.equal(leak, undefined, `demo's ${r.service} GET ${r.path} shows admin's ${leak}`);
  }
});

test("lists asked for other projects' resources by query: 403, or only demo's own", async () => {
  const probes: [Route, string][] = [
    [{ service: 'compute', method: 'GET', path: '/v2.1/servers' }, '?all_tenants=1'],
    [{ service: 'compute', method: 'GET', path: '/v2.1/servers/detail' }, `?all_tenants=1&project_id=${fx.adminProject}`],
    [{ service: 'compute', method: 'GET', path: '/v2.1/servers/detail' }, `?project_id=${fx.adminProject}`],
    [{ service: 'compute', method: 'GET', path: '/v2.1/servers' }, `?tenant_id=${fx.adminProject}&name=matrix`],
    [{ service: 'compute', method: 'GET', path: '/v2.1/os-keypairs' }, `?user_id=${fx.adminUser}`],
    [{ service: 'compute', method: 'GET', path: '/v2.1/os-server-groups' }, '?all_projects=True'],
    [{ service: 'compute', method: 'GET', path: '/v2.1/limits' }, `?tenant_id=${fx.adminProject}`],
    [{ service: 'image', method: 'GET', path: '/v2/images' }, `?owner=${fx.adminProject}`],
    [{ service: 'image', method: 'GET', path: '/v2/images' }, '?visibility=private'],
    [{ service: 'image', method: 'GET', path: '/v2/images' }, '?visibility=all'],
    [{ service: 'identity', method: 'GET', path: '/v3/projects' }, '?name=admin'],
    [{ service: 'identity', method: 'GET', path: '/v3/auth/projects' }, `?id=${fx.adminProject}`],
    [{ service: 'lab', method: 'GET', path: '/lab/api/events' }, `?instance_uuid=${fx.server}`],
    [{ service: 'lab', method: 'GET', path: '/lab/api/events' }, `?request_id=${fx.requestId}`],
  ];
  for (const [r, q] of probes) {
    const res = await fetch(lab.url(PORT[r.service], r.path + q), {
      headers: { 'X-Auth-Token': demo.authToken, 'OpenStack-API-Version': 'compute 2.79' },
    });
    const text = await res.text();
    assert.ok(res.status === 200 || res.status === 403, `demo on ${r.service} GET ${r.path}${q}: ${res.status} ${text.slice(0, 200)}`);
    if (res.status === 403) {
      assertFormat(r, { status: 403, type: '', text }, 403, 'another project by query');
      continue;
    }
    const leak = [fx.server, fx.keypair, fx.group, fx.image, fx.requestId].find((id) => text.includes(id));
    assert.equal(leak, undefined, `demo on ${r.service} GET ${r.path}${q} shows admin's ${leak}`);
  }
});

test("another project's resources named in a request body: refused, nothing joins them", async () => {
  const image = await demo.imageId('novalab-x86_64');
  const base = { name: 'cross-vm', imageRef: image, flavorRef: '1', networks: 'none' };
  const tries: [string, Record<string, unknown>, Record<string, unknown>?][] = [
    ["admin's private image", { ...base, imageRef: fx.image }],
    ["admin's key pair", { ...base, key_name: fx.keypair }],
    ["admin's server group", base, { group: fx.group }],
  ];
  for (const [what, server, hints] of tries) {
    const r = await demo.request('POST', '/servers', { server, ...(hints ? { 'os:scheduler_hints': hints } : {}) });
    assert.ok(
      [400, 403, 404].includes(r.status),
      `demo creating a server with ${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`,
    );
    const [name, fault] = Object.entries(r.body as Record<string, { code: number }>)[0]!;
    assert.ok(name && fault.code === r.status, `not a Nova fault: ${JSON.stringify(r.body)}`);
  }
  const group = await admin.request('GET', `/os-server-groups/${fx.group}`);
  assert.deepEqual(group.body.server_group.members, [], "demo's server joined admin's group");
});

test("a private flavor: a project without access does not see or boot it; given access, it does (Nova's flavor access)", async () => {
  const image = await demo.imageId('novalab-x86_64');
  const boot = () =>
    demo.request('POST', '/servers', { server: { name: 'cross-vm', imageRef: image, flavorRef: fx.privateFlavor, networks: 'none' } });
  const listed = async () => JSON.stringify((await demo.request('GET', '/flavors/detail')).body).includes(fx.privateFlavor);

  const show = await demo.request('GET', `/flavors/${fx.privateFlavor}`);
  assert.deepEqual(show.body, { itemNotFound: { code: 404, message: `Flavor ${fx.privateFlavor} could not be found.` } });
  assert.equal(await listed(), false, 'demo lists a private flavor it has no access to');
  const refused = await boot();
  assert.deepEqual(refused.body, { badRequest: { code: 400, message: `Flavor ${fx.privateFlavor} could not be found.` } });
  // Nor can demo give itself access.
  const self = await demo.request('POST', `/flavors/${fx.privateFlavor}/action`, { addTenantAccess: { tenant: fx.demoProject } });
  assert.equal(self.status, 403);

  const granted = await admin.request('POST', `/flavors/${fx.privateFlavor}/action`, { addTenantAccess: { tenant: fx.demoProject } });
  assert.equal(granted.status, 200, JSON.stringify(granted.body));
  assert.equal((await demo.request('GET', `/flavors/${fx.privateFlavor}`)).status, 200);
  assert.equal(await listed(), true);
  const booted = await boot();
  assert.equal(booted.status, 202, JSON.stringify(booted.body));
  assert.equal((await demo.request('DELETE', `/servers/${booted.body.server.id}`)).status, 204);

  const revokedAccess = await admin.request('POST', `/flavors/${fx.privateFlavor}/action`, {
    removeTenantAccess: { tenant: fx.demoProject },
  });
  assert.deepEqual(revokedAccess.body, { flavor_access: [] });
  assert.equal((await demo.request('GET', `/flavors/${fx.privateFlavor}`)).status, 404);
  assert.equal((await boot()).status, 400);
});

test("the event stream: no token, garbage and a revoked token are closed with 4001; a member's is served", async () => {
  const streamUrl = lab.url('gui', '/lab/api/events/stream').replace('http:', 'ws:');
  const attempt = (first: string | null) =>
    new Promise<{ code: number; events: number }>((resolve, reject) => {
      const ws = new WebSocket(streamUrl);
      let events = 0;
      ws.on('message', () => {
        events++;
        if (events === 1) ws.close(1000);
      });
      ws.once('open', () => {
        if (first !== null) ws.send(first);
      });
      ws.once('close', (code) => resolve({ code, events }));
      ws.once('error', reject);
    });
  assert.equal((await attempt(null)).code, 4001, 'no first message: closed after the wait'); // the server waits 5 s
  for (const first of [JSON.stringify({ token: 'garbage' }), JSON.stringify({ token: revoked }), 'null', '[]', '"x"', '{"token":{}}']) {
    assert.deepEqual(await attempt(first), { code: 4001, events: 0 }, `first message ${first}`);
  }
  const ok = await attempt(JSON.stringify({ token: demo.authToken, since: 0 }));
  assert.ok(ok.events > 0);
});

test('routes public by design reveal no secret and nothing of a project', async () => {
  const secret = (name: string) => fs.readFileSync(path.join(lab.stateDir, 'secrets', name), 'utf8').trim();
  const never = [
    admin.authToken,
    demo.authToken,
    secret('metadata-hmac'),
    secret('service-password'),
    secret('control'),
    fx.server,
    fx.adminProject,
    fx.demoProject,
    fx.image,
  ];
  const check = async (what: string, res: Response, statuses: number[]) => {
    const text = await res.text();
    assert.ok(statuses.includes(res.status), `${what}: ${res.status} ${text.slice(0, 200)}`);
    const leak = never.find((s) => text.includes(s));
    assert.equal(leak, undefined, `${what} reveals ${leak}`);
  };
  for (const r of routes.filter((x) => ACCESS[key(x)] === 'public' && x.method === 'GET')) {
    await check(`${r.service} GET ${r.path}`, await fetch(lab.url(PORT[r.service], r.path)), [200, 300]);
  }
  // Token issue: a wrong password and an unknown user get the same 401, naming neither.
  const login = (user: string, password: string) =>
    fetch(lab.url('keystone', '/v3/auth/tokens'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: { identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } } },
      }),
    });
  const wrong = await login('admin', 'wrong');
  const nobody = await login(`nobody-${randomBytes(3).toString('hex')}`, 'wrong');
  assert.equal(wrong.status, 401);
  assert.equal(nobody.status, 401);
  assert.equal(
    ((await wrong.json()) as { error: { message: string } }).error.message,
    ((await nobody.json()) as { error: { message: string } }).error.message,
  );
  // Nor does it scope anyone into a project they are not a member of, by password or by token.
  const scoped = (identity: unknown) =>
    fetch(lab.url('keystone', '/v3/auth/tokens'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { identity, scope: { project: { id: fx.adminProject } } } }),
    });
  assert.equal(
    (await scoped({ methods: ['password'], password: { user: { name: 'demo', domain: { id: 'default' }, password: 'demo' } } })).status,
    401,
  );
  assert.equal((await scoped({ methods: ['token'], token: { id: demo.authToken } })).status, 401);
  // The metadata service answers only a correctly signed instance id.
  const md = (headers: Record<string, string>) => fetch(lab.url('metadata', '/openstack/latest/meta_data.json'), { headers });
  await check('metadata listing', await fetch(lab.url('metadata', '/')), [200]);
  await check('metadata without a signature', await md({ 'X-Instance-ID': fx.server }), [403]);
  await check(
    'metadata with a forged signature',
    await md({ 'X-Instance-ID': fx.server, 'X-Instance-ID-Signature': signInstanceId(fx.server, 'guess') }),
    [403],
  );
  // The EC2 port, the console proxy's pages and the GUI's files.
  await check('ec2', await fetch(lab.url('ec2', '/?Action=DescribeInstances')), [501]);
  for (const page of PAGE_NAMES) await check(`novncproxy ${page}`, await fetch(lab.url('nova-novncproxy', `/${page}`)), [200]);
  await check('gui /', await fetch(lab.url('gui', '/')), [200]);
  await check('gui /lab/api/info', await fetch(lab.url('gui', '/lab/api/info')), [200]);
  // Through the GUI's reverse proxy the services keep their own checks.
  assert.equal((await fetch(lab.url('gui', '/compute/v2.1/servers'))).status, 401);
  assert.equal((await fetch(lab.url('gui', '/image/v2/images'))).status, 401);
  assert.equal((await fetch(lab.url('gui', '/identity/v3/users'))).status, 401);
  // An unknown lab endpoint tells an anonymous caller nothing but 401.
  assert.equal((await fetch(lab.url('gui', '/lab/api/nothing-here'))).status, 401);
});
