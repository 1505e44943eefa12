// The `novalab` command: run the lab headless (no Electron needed), show it, stop it.
import fs from 'node:fs';
import { defaultStateDir, statePaths, secretFile } from '../config/state-dir.js';
import { launch, LaunchError } from '../launcher/launcher.js';
import { parseArgs, USAGE } from './args.js';
import { renderTable, statusRows } from './status-table.js';
import { failureText } from './failure-text.js';

const print = (line: string) => process.stdout.write(line + '\n');

interface RunFile {
  pid: number;
  gui_url: string;
  started_at: string;
}

function readRun(stateDir: string): RunFile | null {
  try {
    const run = JSON.parse(fs.readFileSync(statePaths(stateDir).runFile, 'utf8')) as RunFile;
    process.kill(run.pid, 0);
    return run;
  } catch {
    return null;
  }
}

async function up(stateDir: string, portOffset: number): Promise<void> {
  if (readRun(stateDir)) throw new LaunchError([`a lab is already running from ${stateDir} (novalab status shows it)`]);
  process.title = 'novalab';
  print(`novalab: starting the lab in ${stateDir}`);
  const lab = await launch({ stateDir, portOffset, print });
  print('ready');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    print(`novalab: ${signal}: stopping every service and guest`);
    await lab.stop();
    print('novalab: stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGHUP', () => void stop('SIGHUP'));
}

async function status(stateDir: string, json: boolean): Promise<number> {
  const run = readRun(stateDir);
  if (!run) {
    print(`no lab is running from ${stateDir}`);
    return 1;
  }
  const secret = fs.readFileSync(secretFile(statePaths(stateDir), 'control'), 'utf8');
  const res = await fetch(new URL('lab/api/services', run.gui_url), {
    headers: { 'x-novalab-control': secret },
  });
  if (!res.ok) {
    print(`the lab answered ${res.status}`);
    return 1;
  }
  const body = (await res.json()) as {
    processes: Parameters<typeof statusRows>[0];
    services: Parameters<typeof statusRows>[1];
    health?: Parameters<typeof statusRows>[2];
  };
  const rows = statusRows(body.processes, body.services, body.health);
  print(json ? JSON.stringify(rows, null, 2) : `${renderTable(rows)}\n\ngui: ${run.gui_url}   launcher pid: ${run.pid}`);
  return 0;
}

async function down(stateDir: string): Promise<number> {
  const run = readRun(stateDir);
  if (!run) {
    print(`no lab is running from ${stateDir}`);
    return 0;
  }
  process.kill(run.pid, 'SIGTERM');
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      process.kill(run.pid, 0);
    } catch {
      print('novalab: stopped');
      return 0;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  print(`novalab: the launcher (pid ${run.pid}) did not stop within 60 s`);
  return 1;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if ('error' in args) {
    process.stderr.write(`novalab: ${args.error}\n${USAGE}\n`);
    return 2;
  }
  const stateDir = args.stateDir ?? defaultStateDir();
  switch (args.command) {
    case 'up':
      await up(stateDir, args.portOffset || Number(process.env.NOVALAB_PORT_OFFSET ?? 0));
      return -1;
    case 'status':
      return status(stateDir, args.json);
    case 'down':
      return down(stateDir);
    default:
      print(USAGE);
      return 0;
  }
}

const debug = process.argv.includes('--debug');

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: Error) => {
    process.stderr.write(failureText(err, debug));
    process.exit(1);
  },
);
