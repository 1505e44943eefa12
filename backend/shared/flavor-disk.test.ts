import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GiB, rootDiskTooSmall } from './flavor-disk.js';

test("an image larger than the root disk gets Nova's FlavorDiskSmallerThanImage text, in bytes", () => {
  assert.equal(
    rootDiskTooSmall(1, 2 ** 50),
    "Flavor's disk is too small for requested image. Flavor disk is 1073741824 bytes, image is 1125899906842624 bytes.",
  );
  assert.equal(rootDiskTooSmall(1, GiB + 1)?.startsWith("Flavor's disk is too small"), true);
});

test("an image exactly the root disk's size, or smaller, fits", () => {
  assert.equal(rootDiskTooSmall(1, GiB), null);
  assert.equal(rootDiskTooSmall(20, 64 * 1024 * 1024), null);
});

test("a root disk of 0 GB takes the image's size: nothing to compare (Nova's libvirt driver)", () => {
  assert.equal(rootDiskTooSmall(0, 2 ** 50), null);
});
