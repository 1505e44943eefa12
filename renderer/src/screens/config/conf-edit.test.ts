// The configuration screen: text edits become the typed changes PUT /lab/api/config takes, and
// only the services an edit concerns are offered a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findOption, NOVA_CONF_OPTIONS } from '../../../../contract/nova-conf-options';
import { asText, changesFrom, errorsByOption, issueFor, parseEdit, servicesToRestart } from './conf-edit';

const opt = (section: string, name: string) => findOption(section, name)!;

test('edits are typed by the option: numbers, lists, booleans; what is not valid is sent as typed for the backend to explain', () => {
  assert.equal(parseEdit(opt('DEFAULT', 'osapi_compute_workers'), ' 3 '), 3);
  assert.equal(parseEdit(opt('DEFAULT', 'osapi_compute_workers'), ''), null);
  assert.equal(parseEdit(opt('DEFAULT', 'osapi_compute_workers'), 'three'), 'three');
  assert.equal(parseEdit(opt('DEFAULT', 'ram_weight_multiplier'), '-1.0'), -1);
  assert.deepEqual(parseEdit(opt('DEFAULT', 'scheduler_default_filters'), 'RamFilter, CoreFilter,'), ['RamFilter', 'CoreFilter']);
  assert.equal(asText(['RamFilter', 'CoreFilter']), 'RamFilter,CoreFilter');
  assert.equal(asText(null), '');
});

test('only fields whose text differs from the current value become changes', () => {
  const values = { osapi_compute_workers: 2, ram_weight_multiplier: 1, scheduler_default_filters: ['RamFilter', 'CoreFilter'] };
  const edits = { osapi_compute_workers: '3', ram_weight_multiplier: '1', scheduler_default_filters: 'RamFilter,CoreFilter' };
  assert.deepEqual(changesFrom(NOVA_CONF_OPTIONS, values, edits), [{ section: 'DEFAULT', name: 'osapi_compute_workers', value: 3 }]);
});

test('a change restarts the services the option applies to, each once', () => {
  const changed = [
    { section: 'DEFAULT', name: 'osapi_compute_workers' },
    { section: 'DEFAULT', name: 'metadata_workers' },
    { section: 'DEFAULT', name: 'ram_weight_multiplier' },
    { section: 'nowhere', name: 'unknown' },
  ];
  assert.deepEqual(servicesToRestart(NOVA_CONF_OPTIONS, changed).sort(), ['nova-api', 'nova-scheduler']);
});

test("the lab's validation errors are placed at the field of the option they name", () => {
  const errs = errorsByOption(NOVA_CONF_OPTIONS, [
    '[DEFAULT] osapi_compute_workers = 0: must be >= 1',
    '[metrics] weight_setting: "x" is not name=ratio',
    'something about no option',
  ]);
  assert.deepEqual(errs, {
    osapi_compute_workers: ['[DEFAULT] osapi_compute_workers = 0: must be >= 1'],
    'metrics.weight_setting': ['[metrics] weight_setting: "x" is not name=ratio'],
  });
});

test('issueFor: the lab refused the value for the reason the shared check gives', () => {
  const workers = {
    section: 'DEFAULT',
    name: 'osapi_compute_workers',
    type: 'int',
    default: null,
    min: 1,
    help: '',
    applies_to: 'nova-api',
  } as const;
  assert.deepEqual(issueFor(workers, '[DEFAULT] osapi_compute_workers = 0: must be >= 1', '0'), { code: 'below_min', text: '0', min: 1 });
  assert.deepEqual(issueFor(workers, '[DEFAULT] osapi_compute_workers = two: not a whole number', 'two'), {
    code: 'not_integer',
    text: 'two',
  });
  assert.equal(issueFor(workers, '[DEFAULT] osapi_compute_workers = 0: must be >= 1', '4'), null, 'the text was corrected since');
});
