// Pure: the lines the logs view keeps and shows. Lines arrive in batches from the lab API; a
// line the logger did not write (a stack trace) belongs to the logger line above it, so it is
// filtered with that line's level. The view keeps a bounded number of lines.
import type { LogLine } from '../../../../contract/service-health';

export type Level = NonNullable<LogLine['level']>;
export type LevelFilter = 'all' | Level;

export interface ShownLine extends LogLine {
  /** The level for filtering: the line's own, or that of the logger line above it. */
  effective: Level | null;
}

const RANK: Record<Level, number> = { INFO: 0, WARNING: 1, ERROR: 2 };
export const LEVEL_FILTERS: readonly LevelFilter[] = ['all', 'INFO', 'WARNING', 'ERROR'];
export const KEEP_LINES = 3000;

/** The kept lines after a batch: the oldest dropped beyond `keep`. */
export function appendLines(kept: readonly ShownLine[], batch: readonly LogLine[], keep = KEEP_LINES): ShownLine[] {
  let last = kept.at(-1)?.effective ?? null;
  const added = batch.map((l) => {
    last = l.level ?? last;
    return { ...l, effective: l.level ?? last };
  });
  const all = [...kept, ...added];
  return all.length > keep ? all.slice(all.length - keep) : all;
}

/** The lines that pass the filter: text found (any case) and at least the chosen level. */
export function filterLines(lines: readonly ShownLine[], text: string, level: LevelFilter): ShownLine[] {
  const needle = text.trim().toLowerCase();
  return lines.filter(
    (l) =>
      (level === 'all' || (l.effective !== null && RANK[l.effective] >= RANK[level])) && (!needle || l.text.toLowerCase().includes(needle)),
  );
}
