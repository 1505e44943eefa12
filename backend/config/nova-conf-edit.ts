// Editing nova.conf as text, the way a person would with an editor: only the lines of the
// changed options change. Comments (the commented defaults and their explanations), the order
// of lines and sections the lab does not know all stay, so a save from the GUI never costs the
// learner the documentation the file was written with. Pure: text in, text out.
import type { ConfValue } from '../../contract/nova-conf-options.js';

export interface ConfEdit {
  section: string;
  name: string;
  /** null: remove the option (back to the default). */
  value: ConfValue | null;
}

const SECTION = /^\s*\[([^\]]*)\]\s*$/;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How a value is written: as the ini reader reads it back (quoted when it would be cut). */
export function confValueText(value: ConfValue): string {
  const text = Array.isArray(value) ? value.join(',') : String(value);
  return /[;#"]|^\s|\s$/.test(text) ? JSON.stringify(text) : text;
}

/** The [first, end) line ranges of a section; DEFAULT also owns the lines before any header
 *  when the file has no [DEFAULT] header (the ini reader puts them there). */
function sectionRanges(lines: string[], section: string): [number, number][] {
  const headers = lines.map((l, i) => ({ i, name: SECTION.exec(l)?.[1]?.trim() })).filter((h) => h.name !== undefined);
  const ranges: [number, number][] = [];
  headers.forEach((h, k) => {
    if (h.name === section) ranges.push([h.i + 1, headers[k + 1]?.i ?? lines.length]);
  });
  if (section === 'DEFAULT' && ranges.length === 0) ranges.push([0, headers[0]?.i ?? lines.length]);
  return ranges;
}

function applyOne(lines: string[], edit: ConfEdit): string[] {
  const active = new RegExp(`^\\s*${escapeRe(edit.name)}\\s*[=:]`);
  const commented = new RegExp(`^\\s*[#;]\\s*${escapeRe(edit.name)}\\s*[=:]`);
  const line = edit.value === null ? null : `${edit.name} = ${confValueText(edit.value)}`;
  const ranges = sectionRanges(lines, edit.section);
  const out = [...lines];
  let set = false;
  // From the end, so removing a line keeps the earlier indexes valid.
  for (const [from, to] of [...ranges].reverse()) {
    for (let i = to - 1; i >= from; i--) {
      if (!active.test(out[i]!)) continue;
      if (line === null || set) out.splice(i, 1);
      else {
        out[i] = line;
        set = true;
      }
    }
  }
  if (set || line === null) return out;
  // New: under its commented default when there is one, else at the end of the section.
  const again = sectionRanges(out, edit.section);
  for (const [from, to] of again) {
    for (let i = from; i < to; i++) {
      if (commented.test(out[i]!)) {
        out.splice(i + 1, 0, line);
        return out;
      }
    }
  }
  const last = again.at(-1);
  if (last && (last[0] > 0 || edit.section === 'DEFAULT')) {
    let at = last[1];
    while (at > last[0] && out[at - 1]!.trim() === '') at--;
    out.splice(at, 0, line);
    return out;
  }
  while (out.length && out.at(-1)!.trim() === '') out.pop();
  out.push('', `[${edit.section}]`, line, '');
  return out;
}

/** Set (or remove, with null) options in a nova.conf text; every other line stays as it is. */
export function editNovaConfText(text: string, edits: ConfEdit[]): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let lines = text.split(/\r?\n/);
  for (const e of edits) lines = applyOne(lines, e);
  return lines.join(eol);
}
