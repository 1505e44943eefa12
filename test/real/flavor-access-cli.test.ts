// Private flavors and usage with the real openstack CLI, as a new user would try them (fake
// driver, so it is cheap): `flavor create --private` + `flavor set --project demo`, then demo
// sees and boots the flavor while another project does not; `usage list` and `usage show`
// count the instances the conductor keeps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cliEnv, startLab, type LabHandle } from '../../harness/lab-process.js';

const run = promisify(execFile);
let lab: LabHandle;

before(async () => {
  lab = await startLab({
    novaConf: '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 1\nmetadata_workers = 1\nec2_workers = 1\n',
  });
});
after(async () => {
  await lab?.stop();
});

const as = {
  admin: {},
  demo: { OS_USERNAME: 'demo', OS_PASSWORD: 'demo', OS_PROJECT_NAME: 'demo' },
  other: { OS_USERNAME: 'other-user', OS_PASSWORD: 'other-pw', OS_PROJECT_NAME: 'other' },
};
type Who = keyof typeof as;

async function openstack(who: Who, ...args: string[]): Promise<string> {
  try {
    return (await run('openstack', args, { env: cliEnv(lab, as[who]), timeout: 120_000 })).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`openstack ${args.join(' ')}: ${e.stderr || e.message}`, { cause: err });
  }
}
const json = async (who: Who, ...args: string[]) => JSON.parse(await openstack(who, ...args, '-f', 'json'));
async function refused(who: Who, ...args: string[]): Promise<string> {
  try {
    await run('openstack', args, { env: cliEnv(lab, as[who]), timeout: 120_000 });
  } catch (err) {
    return (err as { stderr: string }).stderr;
  }
  throw new Error(`openstack ${args.join(' ')} succeeded`);
}
const flavorNames = async (who: Who) => ((await json(who, 'flavor', 'list')) as { Name: string }[]).map((f) => f.Name);

test('flavor create --private + flavor set --project: that project sees and boots it, another does not', async () => {
  const made = await json('admin', 'flavor', 'create', '--private', '--ram', '128', '--disk', '1', '--vcpus', '1', 'course-private');
  assert.equal(made['os-flavor-access:is_public'], false);
  const demoId = (await json('admin', 'project', 'show', 'demo')).id as string;
  await openstack('admin', 'project', 'create', 'other');
  await openstack('admin', 'user', 'create', '--password', 'other-pw', 'other-user');
  await openstack('admin', 'role', 'add', '--user', 'other-user', '--project', 'other', 'member');

  assert.ok(!(await flavorNames('demo')).includes('course-private'), 'demo sees the flavor before it is shared');
  await openstack('admin', 'flavor', 'set', '--project', 'demo', 'course-private');
  assert.deepEqual((await json('admin', 'flavor', 'show', 'course-private')).access_project_ids, [demoId]);

  assert.ok((await flavorNames('demo')).includes('course-private'));
  const server = await json(
    'demo',
    'server',
    'create',
    '--flavor',
    'course-private',
    '--image',
    'novalab-x86_64',
    '--nic',
    'none',
    '--wait',
    'on-private',
  );
  assert.equal(server.status, 'ACTIVE');
  assert.equal((await json('demo', 'server', 'show', 'on-private')).flavor.split(' ')[0], 'course-private');

  assert.ok(!(await flavorNames('other')).includes('course-private'), 'another project sees the flavor');
  assert.match(await refused('other', 'flavor', 'show', 'course-private'), /No Flavor found for course-private/);
  assert.match(
    await refused('other', 'server', 'create', '--flavor', made.id, '--image', 'novalab-x86_64', '--nic', 'none', 'not-mine'),
    new RegExp(`No flavor with a name or ID of '${made.id}' exists`),
  );

  await openstack('admin', 'flavor', 'unset', '--project', 'demo', 'course-private');
  assert.ok(!(await flavorNames('demo')).includes('course-private'));
});

test('usage list and usage show count the instances of each project', async () => {
  const demoId = (await json('admin', 'project', 'show', 'demo')).id as string;
  type Row = { Project: string; Servers: { name: string; state: string; flavor: string }[]; 'RAM MB-Hours': number };
  const list = (await json('admin', 'usage', 'list')) as Row[];
  const demoRow = list.find((r) => r.Project === demoId);
  assert.ok(demoRow, `no demo row in ${JSON.stringify(list)}`);
  assert.deepEqual(
    demoRow.Servers.map((s) => [s.name, s.state, s.flavor]),
    [['on-private', 'active', 'course-private']],
  );
  assert.ok(demoRow['RAM MB-Hours'] > 0);
  // The table a user reads: the project by name, its server count.
  assert.match(await openstack('admin', 'usage', 'list'), /\|\s*demo\s*\|\s*1\s*\|/);
  const shown = (await json('admin', 'usage', 'show', '--project', 'demo')) as Row;
  assert.equal(shown.Servers.length, 1);
  // A member reads its own project's usage, and not the list of all.
  assert.equal(((await json('demo', 'usage', 'show')) as Row).Servers.length, 1);
  assert.match(
    await refused('demo', 'usage', 'list'),
    /Policy doesn't allow os_compute_api:os-simple-tenant-usage:list to be performed\. \(HTTP 403\)/,
  );
});
