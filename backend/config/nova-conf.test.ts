import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NOVA_CONF_OPTIONS } from '../../contract/nova-conf-options.js';
import { optionKey, resolveNovaConf } from './nova-conf.js';

test('reads of nova.conf are typed by the option table: a misspelt or mistyped key does not compile', () => {
  const { conf } = resolveNovaConf('', { cpuCount: 2 });
  assert.equal(conf.float('ram_allocation_ratio'), 1.5);
  // @ts-expect-error -- no such option
  assert.throws(() => conf.float('ram_alocation_ratio'), /no option ram_alocation_ratio/);
  // @ts-expect-error -- a float option read as a list
  conf.list('ram_allocation_ratio');
  // @ts-expect-error -- [metrics] options are read with their section
  assert.throws(() => conf.str('weight_setting'));
});

test('every option of the table resolves to a value of its type, defaults included', () => {
  const { conf, errors } = resolveNovaConf('', { cpuCount: 2 });
  assert.deepEqual(errors, []);
  for (const opt of NOVA_CONF_OPTIONS) {
    const v = conf.values.get(optionKey(opt));
    const want = { int: 'number', float: 'number', bool: 'boolean', string: 'string', list: 'object' }[opt.type];
    assert.equal(typeof v, want, optionKey(opt));
  }
});

test('lines the ini reader would take silently (an unclosed section, an option without =) are errors naming the line', () => {
  const { errors } = resolveNovaConf('# ok\n[DEFAULT\nosapi_compute_workers = 2\nverbose\n\n[metrics]\n; fine\n', { cpuCount: 1 });
  assert.deepEqual(errors, [
    'line 2: "[DEFAULT" is not a [section], an option = value, or a # comment',
    'line 4: "verbose" is not a [section], an option = value, or a # comment',
  ]);
  assert.deepEqual(resolveNovaConf('[DEFAULT]\nosapi_compute_workers=2\n  cpu_allocation_ratio = 4 \n', { cpuCount: 1 }).errors, []);
});
