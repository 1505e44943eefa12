// glance-api: the lab's image service (a Glance v2 subset) as its own process, with its own
// store (db/glance.json and images/<id>). Composition only; the parts live beside it.
// The HTTP side (express, the API's services, their schemas) loads while the store opens and
// the lab's images are registered (file copies on libuv's threads), not before.
import { runMain, startService } from '../bus/service-runtime.js';
import { listen } from '../common/http/listen.js';
import { keystoneValidator } from '../common/http/keystone-auth.js';
import { resourcePath } from '../common/app-root.js';
import { qemuImgRunner } from '../shared/image-inspection/inspector.js';
import { registerLabImages } from './lab-images.js';
import { ImageStore } from './store.js';
import { dbMarker } from '../config/state-dir.js';
import { msg, summaryOf } from '../../contract/messages.js';

const loadApi = () =>
  Promise.all([import('./http-app.js'), import('./image-service.js'), import('./member-service.js'), import('./metadefs/service.js')]);

runMain(async () => {
  const api = loadApi();
  api.catch(() => undefined); // awaited below, where a failure ends the start
  const rt = await startService('glance-api');
  const host = rt.conf.str('novalab.listen');
  const port = rt.conf.int('novalab.glance_port');
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const identityUrl = `http://${urlHost}:${rt.conf.int('novalab.keystone_port')}`;
  // Read if nova.conf's table has the option; otherwise the default (10 GiB).
  const sizeCap = rt.conf.int('novalab.image_size_cap');

  const store = await ImageStore.open(rt.paths.glanceDb, rt.paths.images, {
    marker: dbMarker(rt.paths, 'glance'),
    stateDir: rt.paths.root,
  });
  const killed = await store.recover();
  if (killed.length) rt.log.warn(`uploads interrupted by a restart, marked killed: ${killed.join(', ')}`);

  const lab = await registerLabImages(store, resourcePath('images', 'manifest.json')).catch((err: Error) => {
    rt.log.error(`lab images not registered: ${err.message}`);
    return undefined;
  });
  if (lab === null) rt.log.warn('no lab images yet (resources/images/manifest.json is missing): `npm run images` builds them');
  else if (lab) {
    rt.log.info(`lab images: registered [${lab.registered.join(', ')}], already there [${lab.kept.join(', ')}]`);
    for (const f of lab.failed) rt.log.error(`lab image ${f.name} not registered: ${f.error}`);
  }
  // The whole-disk images (scripts/build-disk-images.sh), booted through the firmware; optional.
  const disks = await registerLabImages(store, resourcePath('images', 'whole-disk', 'manifest.json')).catch((err: Error) => {
    rt.log.error(`whole-disk lab images not registered: ${err.message}`);
    return undefined;
  });
  if (disks) {
    rt.log.info(`whole-disk lab images: registered [${disks.registered.join(', ')}], already there [${disks.kept.join(', ')}]`);
    for (const f of disks.failed) rt.log.error(`lab image ${f.name} not registered: ${f.error}`);
  }

  const [{ createApp }, { ImageService }, { MemberService }, { MetadefService }] = await api;
  const images = new ImageService({
    store,
    qemuImg: qemuImgRunner(),
    sizeCap,
    onProgress: (rec, bytes, total) =>
      rt.publish({
        kind: 'progress',
        ...summaryOf(msg('progress.imageUpload', { name: rec.name ?? rec.id, bytes })),
        detail: { image_id: rec.id, bytes, total },
        // The owner's project sees its upload; other projects' members do not.
        ...(rec.owner ? { ctx: { project_id: rec.owner } } : {}),
      }),
  });
  const server = await listen(
    createApp({
      images,
      members: new MemberService(store, images),
      metadefs: new MetadefService(store),
      tokens: keystoneValidator(identityUrl),
      identityUrl,
      log: rt.log,
    }),
    host,
    port,
    'glance-api',
  );
  server.requestTimeout = 0; // uploads of large images take longer than Node's default 5 minutes
  rt.onShutdown(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  rt.ready([port]);
});
