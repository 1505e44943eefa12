// The bench never hangs: a section whose step overruns its deadline is reported as timed out,
// named by section and step, the figures measured before it are kept, later sections still
// run, and the command prints its one JSON object and exits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runSection, TimedOut } from './deadline.js';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing', 'hanging-bench.js');

test('a step past its deadline is reported by name and the run still prints its JSON', () => {
  const r = spawnSync(process.execPath, [fixture, '--json'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, null, `the bench had to be killed: ${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  const figures = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(figures['stuck.timed_out'], 'stuck/idle-socket');
  assert.equal(figures.timed_out, 'stuck/idle-socket');
  assert.equal(figures['stuck.before'], 1, 'figures measured before the timeout are kept');
  assert.equal(figures['stuck.after'], undefined);
  assert.equal(figures['quick.answer'], 42);
  assert.equal(figures['quick.timed_out'], undefined);
  assert.equal(figures['later.ran'], 1, 'the sections after a timed-out one still run');
});

test('--only runs just the named sections', () => {
  const r = spawnSync(process.execPath, [fixture, '--json', '--only=quick,later'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const figures = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(figures['quick.answer'], 42);
  assert.equal(figures['later.ran'], 1);
  assert.equal(figures['stuck.before'], undefined);
  assert.equal(figures.timed_out, undefined);
});

test('the section budget names the step that was running and cleanups still run', async () => {
  let cleaned = false;
  const out = await runSection({
    name: 'slow',
    budgetMs: 200,
    run: async (ctx) => {
      ctx.defer('flag', () => {
        cleaned = true;
      });
      await ctx.step('first', 1_000, async () => 1);
      await ctx.step(
        'second',
        60_000,
        (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      );
    },
  });
  assert.equal(out.timedOut, 'slow/second');
  assert.ok(cleaned);
});

test('a cleanup that hangs is named and does not hold the section', async () => {
  const out = await runSection(
    { name: 'tidy', budgetMs: 1_000, run: async (ctx) => ctx.defer('stop lab', () => new Promise(() => undefined)) },
    { cleanupMs: 100 },
  );
  assert.equal(out.timedOut, 'tidy/cleanup:stop lab');
  assert.ok(new TimedOut('x') instanceof Error);
});
