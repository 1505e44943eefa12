// nova.conf: a real INI file with the course's option names and Nova's defaults. Parsing
// and validation are pure; reading and writing the file are the two thin effects at the end.
import fs from 'node:fs';
import os from 'node:os';
import ini from 'ini';
import { NOVA_CONF_OPTIONS, optionKey, type ConfKey, type ConfOption, type ConfValue } from '../../contract/nova-conf-options.js';
import { FILTER_NAMES, WEIGHER_NAMES } from '../../contract/scheduler-names.js';
import { DEFAULT_PORTS } from '../../contract/services.js';
import { checkConfValue, confIssueText } from '../../contract/conf-check.js';
import { unknownNamesMessage } from '../shared/option-names.js';
import { editNovaConfText, type ConfEdit } from './nova-conf-edit.js';

export type { ConfValue };

/** Resolved configuration: every option has a value. Keys are "name" for [DEFAULT], "section.name" otherwise. */
export class NovaConf {
  constructor(readonly values: ReadonlyMap<string, ConfValue>) {}
  private get(key: string): ConfValue {
    const v = this.values.get(key);
    if (v === undefined) throw new Error(`nova.conf has no option ${key}`);
    return v;
  }
  // Typed by the option table: a key that is not an option of that type does not compile.
  int(key: ConfKey<'int'>): number {
    return this.get(key) as number;
  }
  float(key: ConfKey<'float'>): number {
    return this.get(key) as number;
  }
  bool(key: ConfKey<'bool'>): boolean {
    return this.get(key) as boolean;
  }
  str(key: ConfKey<'string'>): string {
    return this.get(key) as string;
  }
  list(key: ConfKey<'list'>): string[] {
    return this.get(key) as string[];
  }
}

export { optionKey };

const PORT_OPTIONS: Record<string, number> = {
  osapi_compute_listen_port: DEFAULT_PORTS.osapi_compute,
  metadata_listen_port: DEFAULT_PORTS.metadata,
  ec2_listen_port: DEFAULT_PORTS.ec2,
  novncproxy_port: DEFAULT_PORTS['nova-novncproxy'],
  'novalab.keystone_port': DEFAULT_PORTS.keystone,
  'novalab.glance_port': DEFAULT_PORTS['glance-api'],
  'novalab.gui_port': DEFAULT_PORTS.gui,
};

function coerce(opt: ConfOption, raw: unknown): { value?: ConfValue; error?: string } {
  const r = checkConfValue(opt, raw);
  return 'issue' in r ? { error: confIssueText(opt, r.issue) } : { value: r.value };
}

export interface ResolveOptions {
  cpuCount?: number;
  portOffset?: number;
}

/** Pure: INI text in, resolved options or every problem at once out. */
export function resolveNovaConf(text: string, opts: ResolveOptions = {}): { conf: NovaConf; errors: string[] } {
  const parsed = ini.parse(text) as Record<string, unknown>;
  const errors: string[] = syntaxErrors(text);
  const values = new Map<string, ConfValue>();
  const cpus = opts.cpuCount ?? os.cpus().length;
  for (const opt of NOVA_CONF_OPTIONS) {
    const section = (opt.section === 'DEFAULT' ? (parsed.DEFAULT ?? parsed) : parsed[opt.section]) as Record<string, unknown> | undefined;
    const raw = section && typeof section === 'object' ? section[opt.name] : undefined;
    const key = optionKey(opt);
    if (raw === undefined || (typeof raw === 'object' && !Array.isArray(raw))) {
      const portDefault = PORT_OPTIONS[key];
      if (portDefault !== undefined) values.set(key, portDefault + (opts.portOffset ?? 0));
      else values.set(key, (opt.default ?? Math.max(1, cpus)) as ConfValue);
      continue;
    }
    const { value, error } = coerce(opt, raw);
    if (error) errors.push(error);
    else values.set(key, value!);
  }
  errors.push(...crossChecks(values));
  if (!values.has('novncproxy_base_url') || !parsedHas(parsed, 'novncproxy_base_url')) {
    values.set('novncproxy_base_url', `http://${values.get('novncproxy_host')}:${values.get('novncproxy_port')}/vnc_auto.html`);
  }
  return { conf: new NovaConf(values), errors };
}

/** Lines the ini reader would take silently but mean nothing: an unclosed [section], an option
 *  without "=" (read as "true"). oslo.config refuses them too. */
export function syntaxErrors(text: string): string[] {
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    if (/^\[[^\]]+\]$/.test(line) || /^[^=[\s][^=]*=/.test(line)) return;
    errors.push(
      `line ${i + 1}: "${line.length > 60 ? line.slice(0, 60) + '…' : line}" is not a [section], an option = value, or a # comment`,
    );
  });
  return errors;
}

function parsedHas(parsed: Record<string, unknown>, name: string): boolean {
  const d = (parsed.DEFAULT ?? parsed) as Record<string, unknown>;
  return d[name] !== undefined;
}

function crossChecks(values: Map<string, ConfValue>): string[] {
  const errors: string[] = [];
  const names = (v: ConfValue | undefined) => (v as string[] | undefined) ?? [];
  const badFilters = unknownNamesMessage(
    'scheduler_default_filters',
    'filter',
    names(values.get('scheduler_default_filters')),
    FILTER_NAMES,
  );
  if (badFilters) errors.push(`[DEFAULT] ${badFilters}`);
  const badWeighers = unknownNamesMessage(
    'scheduler_weight_classes',
    'weigher',
    names(values.get('scheduler_weight_classes')),
    WEIGHER_NAMES,
  );
  if (badWeighers) errors.push(`[DEFAULT] ${badWeighers}`);
  for (const setting of (values.get('metrics.weight_setting') as string[] | undefined) ?? []) {
    const [name, ratio] = setting.split('=');
    if (!name || ratio === undefined || !Number.isFinite(Number(ratio)))
      errors.push(`[metrics] weight_setting: "${setting}" is not name=ratio`);
  }
  if (values.get('scheduler_driver') !== 'nova.scheduler.filter_scheduler.FilterScheduler') {
    errors.push(
      `[DEFAULT] scheduler_driver = ${values.get('scheduler_driver')}: only nova.scheduler.filter_scheduler.FilterScheduler exists`,
    );
  }
  if (values.get('use_local') === true)
    errors.push('[DEFAULT] use_local = true: compute hosts never open the database in novalab; the conductor is the only way in');
  if (!['qemu', 'fake'].includes(String(values.get('compute_driver'))))
    errors.push(`[DEFAULT] compute_driver = ${values.get('compute_driver')}: choose qemu or fake`);
  return errors;
}

/** The file written on first start: every option, commented out, with its default and help. */
export function renderDefaultNovaConf(): string {
  const out: string[] = ['# nova.conf of this novalab lab. Uncomment an option to change it; restart the service it names.', ''];
  let section = '';
  for (const opt of NOVA_CONF_OPTIONS) {
    if (opt.section !== section) {
      section = opt.section;
      out.push(`[${section}]`);
    }
    const def = opt.default === null ? '<number of CPUs>' : Array.isArray(opt.default) ? opt.default.join(',') : String(opt.default);
    out.push(`# ${opt.help} (restart: ${opt.applies_to})`, `#${opt.name} = ${def}`, '');
  }
  return out.join('\n');
}

/** Set (or clear, with null) options in an existing nova.conf text, keeping everything else:
 *  comments, order and unknown sections (a line edit, not a parse and re-render). */
export function setOptions(text: string, changes: ConfEdit[]): string {
  return editNovaConfText(text, changes);
}

export function readNovaConf(file: string, opts: ResolveOptions = {}): { conf: NovaConf; errors: string[] } {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  return resolveNovaConf(text, opts);
}

export function ensureNovaConf(file: string): void {
  if (!fs.existsSync(file)) fs.writeFileSync(file, renderDefaultNovaConf(), { mode: 0o600 });
}
