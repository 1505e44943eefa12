// The scheduler's explanations (traces): the last N decisions, kept in memory and in their own
// file, outside nova's database, so that saving one never costs a database write and the
// database does not grow with them. The file is an append-only list, one JSON line per trace,
// rewritten with only the last N once it holds 2N (so each save costs O(1) amortised). A trace
// is an explanation, not state: it is not fsynced, and a line cut short by a crash is skipped.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { ScheduleTrace } from '../../contract/scheduler.js';

export class TraceStore {
  private items: ScheduleTrace[] = [];
  private lines = 0;
  private writing: Promise<void> = Promise.resolve();

  /** `file` null: in memory only (unit tests). */
  constructor(
    private readonly file: string | null,
    private readonly keep: () => number,
  ) {
    if (!file) return;
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      this.lines += 1;
      try {
        this.items.push(JSON.parse(line) as ScheduleTrace);
      } catch {
        // a line a crash cut short
      }
    }
    this.items = this.items.slice(-this.keep());
  }

  /** Replace everything with these (a migrated database's traces); synchronous, at open. */
  seed(traces: ScheduleTrace[]): void {
    this.items = traces.slice(-this.keep());
    if (!this.file) return;
    fs.writeFileSync(this.file, this.text(), { mode: 0o600 });
    this.lines = this.items.length;
  }

  save(trace: ScheduleTrace): void {
    this.items.push(trace);
    if (this.items.length > this.keep()) this.items.splice(0, this.items.length - this.keep());
    const file = this.file;
    if (!file) return;
    this.lines += 1;
    const rewrite = this.lines > 2 * this.keep();
    if (rewrite) this.lines = this.items.length;
    const line = `${JSON.stringify(trace)}\n`;
    const text = rewrite ? this.text() : '';
    // One file operation at a time, in order; a failure loses explanations, never state.
    this.writing = this.writing
      .then(() =>
        rewrite
          ? fsp.writeFile(`${file}.tmp`, text, { mode: 0o600 }).then(() => fsp.rename(`${file}.tmp`, file))
          : fsp.appendFile(file, line, { mode: 0o600 }),
      )
      .catch(() => undefined);
  }

  list(instanceUuid: string): ScheduleTrace[] {
    return this.items.filter((t) => t.instance_uuid === instanceUuid);
  }

  byRequest(requestId: string): ScheduleTrace[] {
    return this.items.filter((t) => t.request_id === requestId);
  }

  /** Every file write asked for so far is done (tests, shutdown). */
  settled(): Promise<void> {
    return this.writing;
  }

  private text(): string {
    return this.items.map((t) => `${JSON.stringify(t)}\n`).join('');
  }
}
