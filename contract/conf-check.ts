// Pure: is a value right for a nova.conf option's type and minimum? One decision for the
// backend (which refuses the file and words the error in English for logs and the CLI) and
// the GUI (which says the same at the field in the learner's language).
import type { ConfOption, ConfValue } from './nova-conf-options.js';

/** Why a value was refused, with what a message needs to say it. */
export type ConfIssue =
  { code: 'not_integer' | 'not_number' | 'not_boolean'; text: string } | { code: 'below_min'; text: string; min: number };

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];

export function checkConfValue(opt: Pick<ConfOption, 'type' | 'min'>, raw: unknown): { value: ConfValue } | { issue: ConfIssue } {
  const text = Array.isArray(raw) ? raw.join(',') : String(raw).trim();
  const atLeast = (n: number): { value: ConfValue } | { issue: ConfIssue } =>
    opt.min !== undefined && n < opt.min ? { issue: { code: 'below_min', text: String(n), min: opt.min } } : { value: n };
  switch (opt.type) {
    case 'int':
      return /^-?\d+$/.test(text) ? atLeast(Number(text)) : { issue: { code: 'not_integer', text } };
    case 'float': {
      const n = Number(text);
      return text === '' || !Number.isFinite(n) ? { issue: { code: 'not_number', text } } : atLeast(n);
    }
    case 'bool': {
      const t = text.toLowerCase();
      if (TRUE.includes(t)) return { value: true };
      if (FALSE.includes(t)) return { value: false };
      return { issue: { code: 'not_boolean', text } };
    }
    case 'list':
      return {
        value:
          text === ''
            ? []
            : text
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
      };
    default:
      return { value: text };
  }
}

/** The backend's English for an issue: "[DEFAULT] osapi_compute_workers = 0: must be >= 1". */
export function confIssueText(opt: Pick<ConfOption, 'section' | 'name'>, issue: ConfIssue): string {
  const what =
    issue.code === 'below_min'
      ? `must be >= ${issue.min}`
      : issue.code === 'not_integer'
        ? 'not a whole number'
        : issue.code === 'not_number'
          ? 'not a number'
          : 'not true or false';
  return `[${opt.section}] ${opt.name} = ${issue.text}: ${what}`;
}
