// Glance v2 through the GUI origin (/image).
import { request } from './http';
import type { GlanceImage } from '../../../contract/openstack-api';

export type { GlanceImage };

export function createImage(token: string) {
  return {
    list: async (): Promise<GlanceImage[]> =>
      (await request<{ images: GlanceImage[] }>('glance-api', '/image/v2/images?limit=200', { token })).body.images,
  };
}

export type ImageApi = ReturnType<typeof createImage>;

/** Images a user boots (not the kernel and ramdisk parts of a lab image). */
export function bootable(images: GlanceImage[]): GlanceImage[] {
  return images.filter((i) => i.status === 'active' && i.disk_format !== 'aki' && i.disk_format !== 'ari');
}
