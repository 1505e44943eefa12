import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchBanner } from './banner-watch.js';

const until = (p: () => boolean) =>
  new Promise<void>((resolve) => {
    const t = setInterval(() => {
      if (p()) {
        clearInterval(t);
        resolve();
      }
    }, 2);
  });

test('reports the banner line once, when the console shows it', async () => {
  const consoles = [
    '',
    'SeaBIOS\nBooting from ROM',
    'Linux version 6.1\n[ ok ] udhcpc\n\u001b[1;32mnovalab login: vm1 (0b7c)\u001b[0m \r\nmore',
  ];
  let reads = 0;
  const found: string[] = [];
  watchBanner({ read: async () => consoles[Math.min(reads++, consoles.length - 1)]!, found: (l) => found.push(l), everyMs: 1 });
  await until(() => found.length > 0);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(found, ['novalab login: vm1 (0b7c)']);
  assert.equal(reads, 3, 'no more reads after the banner');
});

test('stops when the guest is gone, when stopped, and at its deadline', async () => {
  let reads = 0;
  watchBanner({
    read: async () => {
      reads++;
      throw new Error('gone');
    },
    found: () => assert.fail('no banner'),
    everyMs: 1,
  });
  await until(() => reads > 0);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(reads, 1);

  let quiet = 0;
  const stop = watchBanner({ read: async () => (quiet++, 'booting'), found: () => assert.fail('no banner'), everyMs: 1 });
  await until(() => quiet > 2);
  stop();
  const seen = quiet;
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(quiet <= seen + 1);

  let late = 0;
  watchBanner({ read: async () => (late++, 'booting'), found: () => assert.fail('no banner'), everyMs: 1, timeoutMs: 0 });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(late, 1, 'one look, then the deadline has passed');
});
