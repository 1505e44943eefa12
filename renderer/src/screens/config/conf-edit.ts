// Pure: editing nova.conf options as text fields, and turning edits into the changes
// PUT /lab/api/config takes.
import type { ConfOption } from '../../../../contract/nova-conf-options';
import { checkConfValue, type ConfIssue } from '../../../../contract/conf-check';
import { confKey, type ConfChange, type ConfValue } from '../../api/lab';

export const asText = (v: ConfValue | undefined): string =>
  v === null || v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v);

/** The value to send for an edited text (the backend validates and explains). */
export function parseEdit(opt: ConfOption, text: string): ConfValue {
  const s = text.trim();
  switch (opt.type) {
    case 'int':
    case 'float':
      return s === '' ? null : Number.isFinite(Number(s)) ? Number(s) : s;
    case 'bool':
      return s === 'true' ? true : s === 'false' ? false : s;
    case 'list':
      return s === ''
        ? []
        : s
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean);
    default:
      return s;
  }
}

export function changesFrom(
  options: readonly ConfOption[],
  values: Record<string, ConfValue>,
  edits: Record<string, string>,
): ConfChange[] {
  const out: ConfChange[] = [];
  for (const o of options) {
    const key = confKey(o);
    const text = edits[key];
    if (text === undefined || text === asText(values[key])) continue;
    out.push({ section: o.section, name: o.name, value: parseEdit(o, text) });
  }
  return out;
}

/** The services a set of changed options needs restarted (never "all": that is the whole lab). */
export function servicesToRestart(options: readonly ConfOption[], changed: { section: string; name: string }[]): string[] {
  const set = new Set<string>();
  for (const c of changed) {
    const o = options.find((x) => x.section === c.section && x.name === c.name);
    if (o) set.add(o.applies_to);
  }
  return [...set];
}

/** The lab's validation errors ("[DEFAULT] osapi_compute_workers = 0: must be >= 1") by the
 *  option they name, so each is shown at its field. */
export function errorsByOption(options: readonly ConfOption[], errors: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of errors) {
    for (const o of options) {
      const m = new RegExp(`^\\[${o.section}\\] ${o.name}\\b`).exec(e);
      if (m) (out[confKey(o)] ??= []).push(e);
    }
  }
  return out;
}

/** Why the lab refused an option's value, as a code to say in the learner's language: the same
 *  check the lab ran (contract/conf-check.ts) on the text that was sent. null when the lab's
 *  reason is another (a cross-check), or the text has changed since. */
export function issueFor(opt: ConfOption, labError: string, text: string): ConfIssue | null {
  const r = checkConfValue(opt, parseEdit(opt, text));
  if (!('issue' in r)) return null;
  return labError.includes(`${opt.name} = ${r.issue.text}:`) ? r.issue : null;
}
