// Expected conditions on the command line end in one or two plain lines that say what to do,
// never a stack trace (only with --debug): QEMU missing from the PATH, a port taken, a bad
// nova.conf, and `npm start` (scripts/start.mjs) where Electron is not installed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { freePortOffset } from '../../harness/lab-process.js';
import { appRoot } from '../../backend/common/app-root.js';
import { DEFAULT_PORTS } from '../../contract/services.js';

const ROOT = appRoot();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-cli-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

const TRACE = /^\s+at /m;

/** Runs a node script; a lab that does start (which would be the bug) is stopped at "ready". */
async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const onData = (c: Buffer) => {
    out += c;
    if (/^ready$/m.test(out)) child.kill('SIGTERM');
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, out };
}

async function up(stateDir: string, extra: string[] = [], env?: NodeJS.ProcessEnv) {
  const offset = await freePortOffset();
  return run([path.join(ROOT, 'bin', 'novalab.js'), 'up', '--state-dir', stateDir, '--port-offset', String(offset), ...extra], env);
}

function stateWithConf(name: string, conf: string): string {
  const dir = path.join(scratch, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'nova.conf'), conf);
  return dir;
}

/** A PATH with every program of this one except QEMU's (so bash, node, … still run). */
function pathWithoutQemu(): string {
  const bin = path.join(scratch, 'bin-without-qemu');
  fs.mkdirSync(bin, { recursive: true });
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter((d) => fs.existsSync(d))) {
    for (const name of fs.readdirSync(dir)) {
      if (name.startsWith('qemu') || fs.existsSync(path.join(bin, name))) continue;
      fs.symlinkSync(path.join(dir, name), path.join(bin, name));
    }
  }
  return bin;
}

test('without QEMU on the PATH, novalab up says so and how to install it, in plain lines', async () => {
  const r = await up(path.join(scratch, 'no-qemu'), [], { ...process.env, PATH: pathWithoutQemu() });
  assert.notEqual(r.code, 0, r.out);
  assert.match(r.out, /QEMU is not installed: neither qemu-system-x86_64 nor qemu-system-aarch64 is on the PATH/);
  if (process.platform === 'linux') assert.match(r.out, /sudo apt-get install qemu-system-x86 qemu-system-arm qemu-utils/);
  assert.doesNotMatch(r.out, TRACE, r.out);
  assert.doesNotMatch(r.out, /^ready$/m);
});

test('a port taken: which port, and how to move the lab off it; no trace', async () => {
  const offset = await freePortOffset();
  const holder = net.createServer();
  const port = DEFAULT_PORTS.keystone + offset;
  await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
  try {
    const r = await run([
      path.join(ROOT, 'bin', 'novalab.js'),
      'up',
      '--state-dir',
      stateWithConf('port', '[DEFAULT]\ncompute_driver = fake\n'),
      '--port-offset',
      String(offset),
    ]);
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`port ${port} \\(keystone\\) on 127\\.0\\.0\\.1 is already in use`));
    assert.match(r.out, /start with --port-offset N/);
    assert.doesNotMatch(r.out, TRACE, r.out);
  } finally {
    holder.close();
  }
});

test('a bad nova.conf: the line or value at fault and where to correct it; --debug adds the trace', async () => {
  const dir = stateWithConf('bad-conf', '# mine\n[DEFAULT\nosapi_compute_workers = zero\n');
  const r = await up(dir);
  assert.notEqual(r.code, 0, r.out);
  assert.match(r.out, /nova\.conf: line 2: "\[DEFAULT" is not a \[section\]/);
  assert.match(r.out, /osapi_compute_workers = zero: not a whole number/);
  assert.ok(r.out.includes(`Correct it in ${path.join(dir, 'nova.conf')}`), r.out);
  assert.doesNotMatch(r.out, TRACE, r.out);
  assert.doesNotMatch(r.out, /^ready$/m, 'the lab did not start on a broken file');

  const debug = await up(dir, ['--debug']);
  assert.notEqual(debug.code, 0);
  assert.match(debug.out, /osapi_compute_workers = zero/);
  assert.match(debug.out, TRACE, 'with --debug, the stack trace');
});

test('npm start where Electron is not installed: one plain line about it, then the lab headless (here: its refusal)', async () => {
  const pkg = path.join(ROOT, 'node_modules', 'electron');
  // Where Electron is installed, point it at nothing, as an install without the binary is.
  const env = fs.existsSync(path.join(pkg, 'path.txt'))
    ? { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: path.join(scratch, 'no-electron') }
    : process.env;
  const offset = await freePortOffset();
  const r = await run(
    [
      path.join(ROOT, 'scripts', 'start.mjs'),
      '--state-dir',
      stateWithConf('start', '[DEFAULT]\nosapi_compute_workers = zero\n'),
      '--port-offset',
      String(offset),
    ],
    env,
  );
  assert.notEqual(r.code, 0, r.out);
  assert.match(r.out.split('\n')[0]!, /^novalab: Electron is not installed here, so the lab runs headless/);
  assert.doesNotMatch(r.out, /Downloading Electron/);
  assert.doesNotMatch(r.out, TRACE, r.out);
  assert.match(r.out, /osapi_compute_workers = zero: not a whole number/);
});
