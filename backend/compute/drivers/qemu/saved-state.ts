// Suspend and resume through QEMU's migration stream (QEMU 7.2 has no `file:` migration;
// `exec:` would run a shell). Suspend: stop the vCPUs, `migrate` to a unix socket this
// module listens on in the instance's socket directory, and copy the stream into
// suspend.state (renamed into place only when complete). Resume: QEMU starts with
// `-incoming fd:3`, file descriptor 3 being suspend.state opened for reading. The guest
// continues where it stopped, its uptime included. Works for adopted guests too (no fd
// passing over QMP is needed).
import fs from 'node:fs';
import net from 'node:net';
import { pipeline } from 'node:stream/promises';
import type { QmpClient } from './qmp-client.js';
import type { InstanceFiles } from './instance-files.js';

interface MigrateStatus {
  status: string;
  'error-desc'?: string;
  'total-time'?: number;
  ram?: { transferred?: number };
}

/** Streams the stopped guest's state to files.suspendState. Leaves the guest stopped
 *  (the caller quits QEMU). Resolves with the state's size in bytes. */
export async function saveState(qmp: QmpClient, files: InstanceFiles, timeoutMs: number): Promise<number> {
  fs.rmSync(files.migrateSocket, { force: true });
  const out = fs.createWriteStream(files.suspendStatePartial, { mode: 0o600 });
  let copied!: Promise<void>;
  const accepted = new Promise<void>((resolve, reject) => {
    const server = net.createServer((conn) => {
      server.close();
      copied = pipeline(conn, out);
      resolve();
    });
    server.on('error', reject);
    server.listen(files.migrateSocket);
    setTimeout(() => {
      server.close();
      reject(new Error('QEMU did not connect to the migration socket'));
    }, timeoutMs).unref();
  });
  try {
    await qmp.execute('stop');
    await qmp.execute('migrate', { uri: `unix:${files.migrateSocket}` });
    await accepted;
    const status = await waitForMigration(qmp, timeoutMs);
    if (status.status !== 'completed') throw new Error(`saving state failed: ${status['error-desc'] ?? status.status}`);
    await copied;
    fs.renameSync(files.suspendStatePartial, files.suspendState);
    return fs.statSync(files.suspendState).size;
  } catch (err) {
    out.destroy();
    fs.rmSync(files.suspendStatePartial, { force: true });
    throw err;
  } finally {
    fs.rmSync(files.migrateSocket, { force: true });
  }
}

async function waitForMigration(qmp: QmpClient, timeoutMs: number): Promise<MigrateStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await qmp.execute<MigrateStatus>('query-migrate');
    if (!['setup', 'active', 'pre-switchover', 'device', 'wait-unplug'].includes(s.status)) return s;
    if (Date.now() > deadline) {
      await qmp.execute('migrate_cancel').catch(() => undefined);
      throw new Error(`saving state took longer than ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** After QEMU started with `-incoming`: waits until the state is loaded, then runs the guest. */
export async function finishIncoming(qmp: QmpClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await qmp.execute<{ status: string }>('query-status');
    if (s.status === 'paused' || s.status === 'postmigrate' || s.status === 'prelaunch') break;
    if (s.status === 'running') return;
    if (s.status !== 'inmigrate') throw new Error(`restoring state failed: QEMU is ${s.status}`);
    if (Date.now() > deadline) throw new Error(`restoring state took longer than ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await qmp.execute('cont');
}
