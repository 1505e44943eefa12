// A message the backend built by code (contract/messages.ts), in the learner's language: its
// parameters first (a parameter may be another message, or a list of them), then the code's
// template from messages.<lang>.json with i18next interpolation and plurals. A code this GUI
// does not know (a newer backend) shows the backend's English text.
import type { TFunction } from 'i18next';
import { isLabMessage, isMessageCode, isMessageList, messageText, type LabMessage, type MessageParam } from '../../../contract/messages';

export function renderMessage(t: TFunction, m: LabMessage, fallback?: string): string {
  const key = `messages.${m.code}`;
  const params: Record<string, string | number> = {};
  for (const [name, p] of Object.entries(m.params)) params[name] = renderParam(t, p);
  const text = t(key, { ...params, defaultValue: '' });
  return text && text !== key ? text : (fallback ?? (isMessageCode(m.code) ? messageText(m) : m.code));
}

function renderParam(t: TFunction, p: MessageParam): string | number {
  if (typeof p === 'string' || typeof p === 'number') return p;
  if (isMessageList(p)) {
    const sep = p.sep === messageText({ code: 'list.separator', params: {} }) ? t('messages.list.separator') : p.sep;
    return p.items.map((m) => renderMessage(t, m)).join(sep);
  }
  return isLabMessage(p) ? renderMessage(t, p) : '';
}
