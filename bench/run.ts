// `npm run bench`: every benchmark of the lab, as one JSON object (`-- --json`) or a table.
// Figures are medians and ratios; say which machine they came from when you report them.
import os from 'node:os';
import { benchLab } from './lab-bench.js';

type Bench = () => Promise<Record<string, number>>;

async function optional(modulePath: string, exportName: string): Promise<Bench | null> {
  try {
    const m = (await import(modulePath)) as Record<string, Bench>;
    return m[exportName] ?? null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
  const benches: [string, Bench | null][] = [
    ['lab', benchLab],
    ['scheduler', await optional('./scheduler-bench.js', 'benchScheduler')],
    ['api', await optional('./api-bench.js', 'benchApi')],
    ['boot', await optional('./boot-bench.js', 'benchBoot')],
    ['console', await optional('./console-bench.js', 'benchConsole')],
    ['density', await optional('./density-bench.js', 'benchDensity')],
    ['db', await optional('./db-bench.js', 'benchDb')],
  ];
  const figures: Record<string, number | string> = {
    'machine.cpus': os.cpus().length,
    'machine.cpu_model': os.cpus()[0]?.model ?? 'unknown',
    'machine.memory_gb': Math.round(os.totalmem() / 2 ** 30),
  };
  for (const [name, bench] of benches) {
    if (!bench || (only && only !== name)) continue;
    if (!json) process.stderr.write(`bench: ${name}…\n`);
    try {
      Object.assign(figures, await bench());
    } catch (err) {
      figures[`${name}.error`] = (err as Error).message;
    }
  }
  if (json) {
    process.stdout.write(JSON.stringify(figures) + '\n');
    return;
  }
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  for (const [k, v] of Object.entries(figures)) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  },
);
