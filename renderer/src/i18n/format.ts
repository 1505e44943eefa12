// Times and dates in the learner's language (Intl), not the browser's: a zh-CN screen says
// 13:45:02 where an English one says 1:45:02 PM.
import { useTranslation } from 'react-i18next';

export function formatTime(iso: string | number | Date, lang: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : new Intl.DateTimeFormat(lang, { timeStyle: 'medium' }).format(d);
}

export function formatDateTime(iso: string | number | Date, lang: string): string {
  // Nova's times carry no zone but are UTC.
  const d = new Date(typeof iso === 'string' && /T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(iso) ? `${iso}Z` : iso);
  return Number.isNaN(d.getTime()) ? String(iso) : new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'medium' }).format(d);
}

/** The formatters bound to the current language (re-rendered when it changes). */
export function useFormat() {
  const { i18n } = useTranslation();
  return {
    time: (v: string | number | Date) => formatTime(v, i18n.language),
    dateTime: (v: string | number | Date) => formatDateTime(v, i18n.language),
  };
}
