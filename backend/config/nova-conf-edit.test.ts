import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editNovaConfText } from './nova-conf-edit.js';
import { renderDefaultNovaConf, resolveNovaConf, setOptions } from './nova-conf.js';

const lines = (s: string) => s.split('\n');
/** The lines of `b` that are not in `a` and the other way round (as a diff would show). */
function changed(a: string, b: string): { added: string[]; removed: string[] } {
  const la = lines(a);
  const lb = lines(b);
  return { added: lb.filter((l) => !la.includes(l)), removed: la.filter((l) => !lb.includes(l)) };
}

test('a save into the default nova.conf adds one line under its commented default and keeps every comment', () => {
  const text = renderDefaultNovaConf();
  const next = setOptions(text, [{ section: 'DEFAULT', name: 'osapi_compute_workers', value: 2 }]);
  assert.deepEqual(changed(text, next), { added: ['osapi_compute_workers = 2'], removed: [] });
  const l = lines(next);
  const at = l.indexOf('osapi_compute_workers = 2');
  assert.match(l[at - 1]!, /^#osapi_compute_workers = /, 'right under its commented default');
  assert.equal(l.length, lines(text).length + 1);
  assert.equal(resolveNovaConf(next, { cpuCount: 4 }).conf.int('osapi_compute_workers'), 2);
});

test('changing and removing an option touches only its line; unknown sections and their comments stay', () => {
  const text = [
    '# my notes',
    '[DEFAULT]',
    '# workers: one per CPU by default',
    'osapi_compute_workers = 3',
    'ram_allocation_ratio=2.0',
    '',
    '[my_site]',
    '; a section novalab does not know',
    'colour = blue',
    '',
    '[metrics]',
    '# weight_setting = cpu.percent=-1.0',
    '',
  ].join('\n');
  const next = editNovaConfText(text, [
    { section: 'DEFAULT', name: 'osapi_compute_workers', value: 1 },
    { section: 'DEFAULT', name: 'ram_allocation_ratio', value: null },
    { section: 'metrics', name: 'weight_setting', value: ['cpu.percent=-1.0', 'x=2'] },
  ]);
  assert.deepEqual(changed(text, next), {
    added: ['osapi_compute_workers = 1', 'weight_setting = cpu.percent=-1.0,x=2'],
    removed: ['osapi_compute_workers = 3', 'ram_allocation_ratio=2.0'],
  });
  assert.deepEqual(lines(next).slice(0, 4), ['# my notes', '[DEFAULT]', '# workers: one per CPU by default', 'osapi_compute_workers = 1']);
  assert.ok(next.includes('[my_site]\n; a section novalab does not know\ncolour = blue\n'));
  const { conf } = resolveNovaConf(next, { cpuCount: 4 });
  assert.equal(conf.int('osapi_compute_workers'), 1);
  assert.equal(conf.float('ram_allocation_ratio'), 1.5, 'removed: back to the default');
  assert.deepEqual(conf.list('metrics.weight_setting'), ['cpu.percent=-1.0', 'x=2']);
});

test('an option of a section the file lacks gets the section at the end; a file without [DEFAULT] keeps its top lines', () => {
  const text = '# top\ncpu_allocation_ratio = 4\n';
  const next = editNovaConfText(text, [
    { section: 'DEFAULT', name: 'cpu_allocation_ratio', value: 8 },
    { section: 'DEFAULT', name: 'disk_allocation_ratio', value: 2 },
    { section: 'metrics', name: 'weight_multiplier', value: 2 },
  ]);
  assert.equal(next, '# top\ncpu_allocation_ratio = 8\ndisk_allocation_ratio = 2\n\n[metrics]\nweight_multiplier = 2\n');
  const { conf, errors } = resolveNovaConf(next, { cpuCount: 4 });
  assert.deepEqual(errors, []);
  assert.equal(conf.float('cpu_allocation_ratio'), 8);
  assert.equal(conf.float('metrics.weight_multiplier'), 2);
});

test('a value the ini reader would cut (a comment character) is quoted, and reads back whole', () => {
  const next = editNovaConfText('[novalab]\n', [{ section: 'novalab', name: 'admin_password', value: 'pa;ss # word' }]);
  assert.match(next, /^admin_password = "pa;ss # word"$/m);
  assert.equal(resolveNovaConf(next, { cpuCount: 1 }).conf.str('novalab.admin_password'), 'pa;ss # word');
});

test('CRLF files stay CRLF', () => {
  const next = editNovaConfText('# c\r\n[DEFAULT]\r\nosapi_compute_workers = 3\r\n', [
    { section: 'DEFAULT', name: 'osapi_compute_workers', value: 2 },
  ]);
  assert.equal(next, '# c\r\n[DEFAULT]\r\nosapi_compute_workers = 2\r\n');
});
