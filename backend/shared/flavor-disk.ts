// Whether an image fits a flavor's root disk, as Nova decides it twice: nova-api before the
// request is accepted (from what glance knows), and nova-compute after the image is on the
// host (from qemu-img's virtual size). Pure; both sides give the same message.

export const GiB = 1024 ** 3;

/** Nova's FlavorDiskSmallerThanImage text. */
export const flavorDiskSmallerThanImage = (flavorBytes: number, imageBytes: number) =>
  `Flavor's disk is too small for requested image. Flavor disk is ${flavorBytes} bytes, image is ${imageBytes} bytes.`;

/**
 * The fault when an image of `imageBytes` (its virtual size, or the largest size known) does not
 * fit a root disk of `rootGb`, or null when it fits. A root disk of 0 GB means "as large as the
 * image" in Nova (the API reserves that to admins; the libvirt driver then checks nothing).
 */
export function rootDiskTooSmall(rootGb: number, imageBytes: number): string | null {
  const flavorBytes = rootGb * GiB;
  if (flavorBytes === 0) return null;
  return imageBytes > flavorBytes ? flavorDiskSmallerThanImage(flavorBytes, imageBytes) : null;
}
