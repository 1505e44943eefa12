// `npm run bench`: every benchmark of the lab, as one JSON object (`-- --json`) or a table.
// Figures are medians and ratios against floors measured in the same run; say which machine
// they came from when you report them.
//   --only=lab,api   run only these sections
//   --quick          fewer repetitions and smaller fills (a check of the bench, not figures)
//   --budget-s=900   the whole bench's budget (default 15 minutes)
// Every section has a budget and every step a deadline: one that overruns is reported as
// `"<section>.timed_out": "<section>/<step>"` (and in the top-level `timed_out`), never hangs.
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { runSection, type Figures, type Section, type SectionContext } from './deadline.js';

/** A section's code, loaded only when the section runs (a missing module is skipped). */
export interface SectionEntry {
  name: string;
  budgetMs: number;
  load(): Promise<((ctx: SectionContext) => Promise<Figures | void>) | null>;
}

/** `export function <name>(ctx)` of a module under bench/, or null when it is not there. */
function fromModule(modulePath: string, exportName: string): SectionEntry['load'] {
  return async () => {
    try {
      const m = (await import(modulePath)) as Record<string, (ctx: SectionContext) => Promise<Figures | void>>;
      return m[exportName] ?? null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(err).includes(modulePath.slice(2))) return null;
      throw err;
    }
  };
}

/**
 * The sections in the order they run, each with its budget; together they fit the default
 * 15-minute whole-bench budget. A new section is one line here: a module under bench/ that
 * exports `async function benchX(ctx: SectionContext)` (see deadline.ts).
 */
export const SECTIONS: SectionEntry[] = [
  { name: 'scheduler', budgetMs: 30_000, load: fromModule('./scheduler-bench.js', 'benchScheduler') },
  { name: 'lab', budgetMs: 120_000, load: fromModule('./lab-bench.js', 'benchLab') },
  { name: 'api', budgetMs: 420_000, load: fromModule('./api-bench.js', 'benchApi') },
  { name: 'console', budgetMs: 60_000, load: fromModule('./console-bench.js', 'benchConsole') },
  { name: 'boot', budgetMs: 120_000, load: fromModule('./boot-bench.js', 'benchBoot') },
  // Guest density: 20 real guests at once and their RSS (about 7 minutes under TCG on 2 cores).
  { name: 'density', budgetMs: 480_000, load: fromModule('./density-bench.js', 'benchDensity') },
];

export interface RunOptions {
  only?: string[];
  quick?: boolean;
  budgetMs?: number;
  /** Kept back from each section's share for the cleanups that follow it. */
  cleanupMs?: number;
  progress?: (line: string) => void;
}

/** Runs the sections within the whole budget; always returns the figures, timeouts named. */
export async function runBench(sections: SectionEntry[], opts: RunOptions = {}): Promise<Figures> {
  const t0 = performance.now();
  const total = opts.budgetMs ?? 15 * 60_000;
  const cleanupMs = opts.cleanupMs ?? 30_000;
  const figures: Figures = {
    'machine.cpus': os.cpus().length,
    'machine.cpu_model': os.cpus()[0]?.model ?? 'unknown',
    'machine.memory_gb': Math.round(os.totalmem() / 2 ** 30),
    'machine.loadavg_1m_at_start': Number(os.loadavg()[0]!.toFixed(2)),
  };
  const timedOut: string[] = [];
  for (const entry of sections) {
    if (opts.only && !opts.only.includes(entry.name)) continue;
    const left = total - (performance.now() - t0) - cleanupMs;
    if (left <= 0) {
      figures[`${entry.name}.timed_out`] = `${entry.name}/not-started`;
      timedOut.push(`${entry.name}/not-started`);
      continue;
    }
    let run: Awaited<ReturnType<SectionEntry['load']>>;
    try {
      run = await entry.load();
    } catch (err) {
      figures[`${entry.name}.error`] = `cannot load: ${(err as Error).message}`;
      continue;
    }
    if (!run) continue;
    opts.progress?.(`bench: ${entry.name} (budget ${Math.round(Math.min(entry.budgetMs, left) / 1000)} s)…`);
    const section: Section = { name: entry.name, budgetMs: entry.budgetMs, run };
    const out = await runSection(section, { budgetMs: left, quick: opts.quick, cleanupMs });
    Object.assign(figures, out.figures);
    figures[`${entry.name}.section_s`] = Number((out.ms / 1000).toFixed(1));
    if (out.timedOut) {
      figures[`${entry.name}.timed_out`] = out.timedOut;
      timedOut.push(out.timedOut);
    }
    if (out.error) figures[`${entry.name}.error`] = out.error;
  }
  figures['bench.total_s'] = Number(((performance.now() - t0) / 1000).toFixed(1));
  if (timedOut.length) figures.timed_out = timedOut.join(', ');
  return figures;
}

export function parseArgs(argv: string[]): RunOptions & { json: boolean } {
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const only = value('only');
  const budget = value('budget-s');
  return {
    json: argv.includes('--json'),
    quick: argv.includes('--quick'),
    only: only ? only.split(',').map((s) => s.trim()) : undefined,
    budgetMs: budget ? Number(budget) * 1000 : undefined,
  };
}

/** The command: runs `sections` as the arguments say, prints the figures, exits (0 even with timeouts). */
export function benchMain(argv: string[], sections: SectionEntry[] = SECTIONS): void {
  const opts = parseArgs(argv);
  runBench(sections, { ...opts, progress: (l) => process.stderr.write(`${l}\n`) }).then(
    (figures) => {
      if (opts.json) process.stdout.write(JSON.stringify(figures) + '\n');
      else {
        const width = Math.max(...Object.keys(figures).map((k) => k.length));
        for (const [k, v] of Object.entries(figures)) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
      }
      // exit: a step abandoned on timeout may still hold a handle; the figures are out.
      process.stdout.write('', () => process.exit(0));
    },
    (err: Error) => {
      process.stderr.write(`${err.stack}\n`);
      process.exit(1);
    },
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) benchMain(process.argv.slice(2));
