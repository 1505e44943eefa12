// Every visible string goes through i18next: English and 简体中文, switchable at run time,
// the choice remembered in localStorage. The core strings are in en.json and zh-CN.json; a
// screen or feature may keep its own in parts/<area>.<lang>.json, merged in here, so that work
// on different screens never edits the same resource file.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import zhCN from './zh-CN.json';

type Tree = { [key: string]: string | Tree };
const parts = import.meta.glob<Tree>('./parts/*.json', { eager: true, import: 'default' });

/** Deep-merges the parts of one language over its core file; a part may add keys, never replace one. */
function withParts(core: Tree, lang: string): Tree {
  const merged = structuredClone(core);
  const into = (target: Tree, source: Tree, where: string) => {
    for (const [k, v] of Object.entries(source)) {
      const t = target[k];
      if (typeof v === 'object' && (t === undefined || typeof t === 'object')) into((target[k] ??= {}) as Tree, v, `${where}${k}.`);
      else if (t === undefined) target[k] = v;
      else throw new Error(`i18n: ${lang} key ${where}${k} is defined twice`);
    }
  };
  for (const [file, tree] of Object.entries(parts)) if (file.endsWith(`.${lang}.json`)) into(merged, tree, '');
  return merged;
}

export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
] as const;
export type LanguageCode = (typeof LANGUAGES)[number]['code'];

const STORAGE_KEY = 'novalab.language';

function initialLanguage(): LanguageCode {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    /* storage unavailable */
  }
  return navigator.language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: withParts(en, 'en') }, 'zh-CN': { translation: withParts(zhCN, 'zh-CN') } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});

document.documentElement.lang = i18n.language;

export function setLanguage(code: LanguageCode): void {
  void i18n.changeLanguage(code);
  document.documentElement.lang = code;
  try {
    localStorage.setItem(STORAGE_KEY, code);
  } catch {
    /* storage unavailable */
  }
}

export default i18n;
