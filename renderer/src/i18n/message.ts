// A message the backend built by code (contract/messages.ts), in the learner's language: its
// parameters first (a parameter may be another message, a list of them, or raw data), then the
// code's template from messages.<lang>.json with i18next interpolation and plurals. A code this
// GUI does not know (a newer backend) shows the backend's English text.
import type { TFunction } from 'i18next';
import {
  isLabMessage,
  isMessageCode,
  isMessageList,
  isRawParam,
  isTermParam,
  messageText,
  type LabMessage,
  type MessageParam,
  type TermKind,
} from '../../../contract/messages';

/** Where the GUI keeps the words of each of Nova's vocabularies. */
const TERM_KEYS: Record<TermKind, string> = { vmState: 'vmStates', taskState: 'taskStates', status: 'states' };

/** A piece of a rendered message: text in the learner's language, or data shown as code. */
export type MessagePart = string | { raw: string };

// Raw data travels through i18next as a private-use marker with its index, so a translation
// may place it anywhere in its sentence; the markers are split out afterwards.
const MARK = /\uE000(\d+)\uE001/;

/** The message as text and raw pieces, in order (the <Message> component shows raw as code). */
export function messageParts(t: TFunction, m: LabMessage, fallback?: string): MessagePart[] {
  const raws: string[] = [];
  const text = render(t, m, raws, fallback);
  const out: MessagePart[] = [];
  text.split(MARK).forEach((piece, i) => {
    if (i % 2 === 1) out.push({ raw: raws[Number(piece)] ?? '' });
    else if (piece) out.push(piece);
  });
  return out;
}

/** The message as one string (for titles, tooltips and tests). */
export function renderMessage(t: TFunction, m: LabMessage, fallback?: string): string {
  return messageParts(t, m, fallback)
    .map((p) => (typeof p === 'string' ? p : p.raw))
    .join('');
}

function render(t: TFunction, m: LabMessage, raws: string[], fallback?: string): string {
  const key = `messages.${m.code}`;
  const params: Record<string, string | number> = {};
  for (const [name, p] of Object.entries(m.params)) params[name] = renderParam(t, p, raws);
  const text = t(key, { ...params, defaultValue: '' });
  return text && text !== key ? text : (fallback ?? (isMessageCode(m.code) ? messageText(m) : m.code));
}

function renderParam(t: TFunction, p: MessageParam, raws: string[]): string | number {
  if (typeof p === 'string' || typeof p === 'number') return p;
  if (isRawParam(p)) {
    raws.push(p.raw);
    return `\uE000${raws.length - 1}\uE001`;
  }
  if (isTermParam(p)) return t(`${TERM_KEYS[p.term]}.${p.value}`, { defaultValue: p.value });
  if (isMessageList(p)) {
    const sep = p.sep === messageText({ code: 'list.separator', params: {} }) ? t('messages.list.separator') : p.sep;
    return p.items.map((m) => render(t, m, raws)).join(sep);
  }
  return isLabMessage(p) ? render(t, p, raws) : '';
}
