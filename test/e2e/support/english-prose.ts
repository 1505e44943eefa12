// Pure: finds English prose in what a screen shows in 简体中文. Latin letters may appear only in
// names (services, options, filters, hosts, images…, given by the caller from the lab's own
// APIs), ids, numbers, units, commands and code, and in raw data (<code>, <pre>, [data-raw],
// which the collector marks as `raw`). Every other Latin word is English prose, reported with
// its screen and the text it sits in.

/** One visible text node, as the sweep collected it. */
export interface TextSample {
  screen: string;
  text: string;
  /** Inside <code>, <pre>, <kbd>, <samp> or an element marked data-raw: data, not prose. */
  raw?: boolean;
}

export interface EnglishWord {
  screen: string;
  word: string;
  text: string;
}

/** Units, acronyms and product names a Chinese text keeps in Latin letters. */
export const LATIN_TERMS: readonly string[] = [
  // units
  'B',
  'KB',
  'MB',
  'GB',
  'TB',
  'KiB',
  'MiB',
  'GiB',
  's',
  'ms',
  // acronyms and protocols
  'API',
  'CPU',
  'CPUs',
  'vCPU',
  'vCPUs',
  'RAM',
  'PID',
  'PIDs',
  'ID',
  'IDs',
  'UUID',
  'IP',
  'MAC',
  'URL',
  'JSON',
  'REST',
  'HTTP',
  'TCP',
  'VNC',
  'RFB',
  'RPC',
  'QMP',
  'TCG',
  'KVM',
  'EC2',
  'INI',
  'AMQP',
  'UTC',
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'vcpu',
  'WebSocket',
  'Origin',
  'argv',
  // products
  'OpenStack',
  'Nova',
  'Keystone',
  'Glance',
  'QEMU',
  'noVNC',
  'novalab',
  'DevStack',
  'libvirt',
  'virtio',
  'unix',
  'Windows',
  'Linux',
  'curl',
  'openstack',
  'qemu-system',
];

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
/** Characters that make a token code, an id, a path or a number rather than a word. */
const CODE_MARK = /[0-9_./:@=#{}[\]<>$~\\|*+%&]/;
/** What separates tokens: space, and Latin and CJK punctuation. */
const SEPARATORS = /[\s,;!?()（），。、；：！？“”"'‘’«»…·—–→←×✓|]+/u;

/** The English words of one text, given the names it may contain. */
export function englishWords(text: string, names: ReadonlySet<string>): string[] {
  const hasCjk = CJK.test(text);
  const out: string[] = [];
  // A `command` quoted in a sentence is code.
  for (const raw of text.replace(/`[^`]*`/g, ' ').split(SEPARATORS)) {
    // A name or a code keeps its inner punctuation; trailing sentence punctuation goes.
    const token = raw.replace(/^[-–:]+|[-–:]+$/g, '');
    if (!/[A-Za-z]/.test(token)) continue;
    if (names.has(token) || LATIN_TERMS.includes(token)) continue;
    if (CODE_MARK.test(token)) continue;
    // Identifiers: camelCase and PascalCase (imageRef, NoValidHost), HTTP headers (X-Auth-Token),
    // Nova API resources (os-hypervisors).
    if (/[a-z][A-Z]/.test(token) || /^X-[A-Za-z-]+$/.test(token) || /^os-[a-z-]+$/.test(token)) continue;
    // A hyphenated name (nova-compute@host) is allowed when each part is.
    if (token.includes('-') && token.split('-').every((p) => names.has(p) || LATIN_TERMS.includes(p) || !/[A-Za-z]/.test(p))) continue;
    // An upper-case word inside Chinese text is a cited API value or acronym (状态为 ACTIVE);
    // standing alone it is an untranslated label (a status badge "ERROR").
    if (hasCjk && /^[A-Z][A-Z_]+$/.test(token)) continue;
    out.push(token);
  }
  return out;
}

/** Every English word on every screen, in order; raw samples are data and never checked. */
export function findEnglishProse(samples: readonly TextSample[], names: Iterable<string>): EnglishWord[] {
  const known = new Set(names);
  const out: EnglishWord[] = [];
  for (const s of samples) {
    if (s.raw) continue;
    for (const word of englishWords(s.text, known)) out.push({ screen: s.screen, word, text: s.text.trim().slice(0, 160) });
  }
  return out;
}

/** A report for a failing assertion: screen by screen, each word with the text it was in. */
export function formatReport(words: readonly EnglishWord[]): string {
  const byScreen = new Map<string, EnglishWord[]>();
  for (const w of words) byScreen.set(w.screen, [...(byScreen.get(w.screen) ?? []), w]);
  const lines: string[] = [];
  for (const [screen, ws] of byScreen) {
    lines.push(`${screen}: ${ws.length} English word(s)`);
    const byText = new Map<string, string[]>();
    for (const w of ws) byText.set(w.text, [...(byText.get(w.text) ?? []), w.word]);
    for (const [text, list] of byText) lines.push(`  [${[...new Set(list)].join(' ')}] in "${text}"`);
  }
  return lines.join('\n');
}
