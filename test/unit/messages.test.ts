// The message catalogue (contract/messages.ts) and its translations: every filter explains a
// rejection by a code of the catalogue with exactly the parameters its template names; the
// GUI's English is the catalogue's, word for word; the Chinese names the same parameters and
// uses the glossary's terms (docs/glossary-zh.md), never a banned synonym.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  MESSAGES,
  isLabMessage,
  isMessageList,
  isRawParam,
  isTermParam,
  messageText,
  templateParams,
  type LabMessage,
} from '../../contract/messages.js';
import { FILTER_NAMES, type FilterName } from '../../contract/scheduler-names.js';
import type { RequestSpec } from '../../contract/scheduler.js';
import { FILTERS } from '../../backend/scheduler/filters/index.js';
import { makeHost, makeSpec } from '../../backend/scheduler/test-fixtures.js';
import { runFilters, noValidHost } from '../../backend/scheduler/host-filter-handler.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
const PARTS = path.join(ROOT, 'renderer/src/i18n/parts');
type Tree = { [key: string]: string | Tree };
const readJson = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8')) as Tree;

/** A language's messages, flat: "filter.ram.insufficient" (or "…_one", "…_other") → template. */
function translations(lang: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (t: Tree, prefix: string) => {
    for (const [k, v] of Object.entries(t)) {
      if (typeof v === 'string') out.set(prefix + k, v);
      else walk(v, `${prefix}${k}.`);
    }
  };
  walk(readJson(path.join(PARTS, `messages.${lang}.json`)).messages as Tree, '');
  return out;
}

const codes = Object.keys(MESSAGES) as (keyof typeof MESSAGES)[];
const entry = (code: keyof typeof MESSAGES): { text: string; one?: string } => MESSAGES[code];

test("the GUI's English messages are the catalogue's templates, word for word", () => {
  const en = translations('en');
  const expected = new Map<string, string>();
  for (const code of codes) {
    const e = entry(code);
    if (e.one === undefined) expected.set(code, e.text);
    else expected.set(`${code}_one`, e.one).set(`${code}_other`, e.text);
  }
  assert.deepEqual(Object.fromEntries([...en].sort()), Object.fromEntries([...expected].sort()));
});

test('every Chinese message names exactly the parameters of its English template', () => {
  const zh = translations('zh-CN');
  for (const code of codes) {
    const e = entry(code);
    // Chinese has one plural form: _other when the English has a `one` form.
    const key = e.one === undefined ? code : `${code}_other`;
    assert.ok(zh.has(key), `zh-CN has no messages.${key}`);
    assert.deepEqual(templateParams(zh.get(key)!), templateParams(e.text), `zh-CN messages.${key}`);
    if (e.one !== undefined) assert.deepEqual(templateParams(e.one), templateParams(e.text), `${code}: one and other forms`);
  }
  const known = new Set(codes.flatMap((c) => [c, `${c}_other`]));
  assert.deepEqual(
    [...zh.keys()].filter((k) => !known.has(k)),
    [],
    'zh-CN messages without a catalogue code',
  );
});

const BANNED: Record<string, string> = {
  云主机: '实例 (an instance), or 规格 for a flavor',
  云服务器: '实例',
  实例类型: '规格 (a flavor)',
  云主机类型: '规格',
  筛选器: '过滤器',
  权值: '权重',
  可用域: '可用区',
  映像: '镜像',
  镜象: '镜像',
  调度程序: '调度器',
};

test('no Chinese resource uses a banned synonym of a glossary term (docs/glossary-zh.md)', () => {
  const files = [
    path.join(ROOT, 'renderer/src/i18n/zh-CN.json'),
    ...fs
      .readdirSync(PARTS)
      .filter((f) => f.endsWith('.zh-CN.json'))
      .map((f) => path.join(PARTS, f)),
  ];
  const found: string[] = [];
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    for (const [word, use] of Object.entries(BANNED))
      if (text.includes(word)) found.push(`${path.relative(ROOT, f)}: ${word} (use ${use})`);
  }
  assert.deepEqual(found, []);
  // The glossary itself lists every banned word, so the rule is written down where translators look.
  const glossary = fs.readFileSync(path.join(ROOT, 'docs/glossary-zh.md'), 'utf8');
  for (const word of Object.keys(BANNED)) assert.ok(glossary.includes(word), `docs/glossary-zh.md names ${word}`);
});

/** Every parameter a message (and the messages inside it) carries is one its template names, and the reverse. */
function assertWellFormed(m: LabMessage, where: string): void {
  assert.ok(isLabMessage(m), `${where}: ${JSON.stringify(m)} is a catalogue message`);
  // A plural's count is always sent (i18next picks the form by it), even where the text does not show it.
  const e = entry(m.code);
  const expected = [...new Set([...templateParams(e.text), ...(e.one === undefined ? [] : ['count'])])].sort();
  assert.deepEqual(Object.keys(m.params).sort(), expected, `${where}: ${m.code} parameters`);
  for (const p of Object.values(m.params)) {
    if (isMessageList(p)) p.items.forEach((i) => assertWellFormed(i, where));
    else if (isRawParam(p) || isTermParam(p)) continue;
    else if (typeof p === 'object') assertWellFormed(p, where);
  }
  assert.doesNotMatch(messageText(m), /\{\{|\[object Object\]/, `${where}: ${m.code} renders fully`);
}

const agg = (name: string, metadata: Record<string, string>) => ({ name, metadata });

/** For each filter, a host and a request it rejects (AllHostsFilter rejects nothing). */
const REJECTS: Record<Exclude<FilterName, 'AllHostsFilter'>, [Parameters<typeof makeHost>[0], Parameters<typeof makeSpec>[0]]> = {
  RetryFilter: [{}, { retry: { num_attempts: 2, hosts: ['host-a'] } }],
  AvailabilityZoneFilter: [{ availability_zone: 'az1' }, { availability_zone: 'az2' }],
  RamFilter: [{ memory_mb: 4096, memory_mb_used: 5000 }, {}],
  ComputeFilter: [{ service: { up: false } }, {}],
  ComputeCapabilitiesFilter: [{}, { flavor: { extra_specs: { 'capabilities:hypervisor_type': 'xen' } } }],
  ImagePropertiesFilter: [{}, { image: { properties: { architecture: 'aarch64' } } }],
  CoreFilter: [{ vcpus: 1, vcpus_used: 16 }, {}],
  DiskFilter: [{ local_gb: 40, local_gb_used: 30 }, {}],
  AggregateInstanceExtraSpecsFilter: [{ aggregates: [agg('a', { ssd: 'false' })] }, { flavor: { extra_specs: { ssd: 'true' } } }],
  ServerGroupAffinityFilter: [{}, { instance_group: { uuid: 'g', policy: 'affinity', member_hosts: ['host-b'] } }],
  ServerGroupAntiAffinityFilter: [{}, { instance_group: { uuid: 'g', policy: 'anti-affinity', member_hosts: ['host-a'] } }],
  SameHostFilter: [{}, { scheduler_hints: { same_host: 'vm-9' } }],
  DifferentHostFilter: [{ instance_uuids: ['vm-1'] }, { scheduler_hints: { different_host: 'vm-1' } }],
  NumInstancesFilter: [{ num_instances: 50 }, {}],
  AggregateNumInstancesFilter: [{ num_instances: 2, aggregates: [agg('a', { max_instances_per_host: '2' })] }, {}],
  IoOpsFilter: [{ num_io_ops: 8 }, {}],
  AggregateIoOpsFilter: [{ num_io_ops: 1, aggregates: [agg('a', { max_io_ops_per_host: '1' })] }, {}],
  AggregateImagePropertiesIsolation: [
    { aggregates: [agg('a', { hw_architecture: 'aarch64' })] },
    { image: { properties: { architecture: 'x86_64' } } },
  ],
  AggregateTypeAffinityFilter: [{ aggregates: [agg('a', { instance_type: 'm1.tiny' })] }, {}],
  AggregateMultiTenancyIsolation: [{ aggregates: [agg('a', { filter_tenant_id: 'other' })] }, {}],
  JsonFilter: [{}, { scheduler_hints: { query: '[">=", "$free_ram_mb", 999999]' } }],
  AggregateCoreFilter: [{ vcpus: 2, vcpus_used: 2, aggregates: [agg('a', { cpu_allocation_ratio: '1.0' })] }, {}],
  AggregateRamFilter: [{ memory_mb: 4096, memory_mb_used: 3072, aggregates: [agg('a', { ram_allocation_ratio: '1.0' })] }, {}],
  AggregateDiskFilter: [{ local_gb: 40, local_gb_used: 30, aggregates: [agg('a', { disk_allocation_ratio: '1.0' })] }, {}],
};

test('every filter explains a rejection by a catalogue code with its parameters, and the trace carries both', () => {
  for (const name of FILTER_NAMES) {
    if (name === 'AllHostsFilter') continue;
    const [host, spec] = REJECTS[name];
    const h = makeHost(host);
    const s: RequestSpec = makeSpec(spec);
    const verdict = FILTERS[name].check(h, s);
    assert.notEqual(verdict, true, `${name} rejects its example host`);
    assertWellFormed(verdict as LabMessage, name);
    const rejected = runFilters([h], s, [name]).trace[0]!.rejected[0]!;
    assert.deepEqual(rejected, { host: 'host-a', reason: messageText(verdict as LabMessage), message: verdict }, name);
  }
});

test('the NoValidHost message lists each host by code, and its English is the fault Nova gives', () => {
  const hosts = [makeHost({ host: 'host-a', memory_mb: 2048, memory_mb_used: 2048 }), makeHost({ host: 'host-b', service: { up: false } })];
  const run = runFilters(hosts, makeSpec(), ['ComputeFilter', 'RamFilter']);
  const m = noValidHost(run);
  assertWellFormed(m, 'NoValidHost');
  assert.equal(
    messageText(m),
    'No valid host was found. There are not enough hosts available. RamFilter rejected every remaining host: ' +
      'host-a: 1024 MB usable RAM < 2048 MB requested (2048 MB × ratio 1.5 − 2048 MB used).' +
      ' Before it, ComputeFilter removed host-b.',
  );
});
