import { test } from 'node:test';
import assert from 'node:assert/strict';
import { moveCandidates } from './move-hosts.js';
import { selectHost } from './select-destinations.js';
import { DEFAULT_WEIGHER_OPTIONS } from './weighers/types.js';
import { makeHost, makeSpec, reasonsOnly } from './test-fixtures.js';
import { DEFAULT_FILTERS } from '../../contract/scheduler-names.js';

const hosts = [makeHost({ host: 'a' }), makeHost({ host: 'b' }), makeHost({ host: 'c' })];
const move = (over: object = {}) => ({ kind: 'resize' as const, migration_id: 1, ignore_hosts: [], requested_host: null, ...over });

test('a boot keeps every host and adds no step', () => {
  const r = moveCandidates(hosts, makeSpec());
  assert.deepEqual(
    r.hosts.map((h) => h.host),
    ['a', 'b', 'c'],
  );
  assert.deepEqual(r.trace, []);
});

test('ignore_hosts removes the current host and says why, per kind', () => {
  const resize = moveCandidates(hosts, makeSpec({ move: move({ ignore_hosts: ['A'] }) }));
  assert.deepEqual(
    resize.hosts.map((h) => h.host),
    ['b', 'c'],
  );
  assert.deepEqual(reasonsOnly(resize.trace[0]!.rejected), [
    { host: 'a', reason: 'the instance is already here (allow_resize_to_same_host = False)' },
  ]);
  const migrate = moveCandidates(hosts, makeSpec({ move: move({ kind: 'migrate', ignore_hosts: ['a'] }) }));
  assert.match(migrate.trace[0]!.rejected[0]!.reason, /cold migration moves it to another host/);
});

test('a requested destination is the only candidate; an ignored one leaves none', () => {
  const r = moveCandidates(hosts, makeSpec({ move: move({ ignore_hosts: ['a'], requested_host: 'c' }) }));
  assert.deepEqual(
    r.hosts.map((h) => h.host),
    ['c'],
  );
  assert.equal(r.emptiedBy, null);
  const none = moveCandidates(hosts, makeSpec({ move: move({ ignore_hosts: ['a'], requested_host: 'a' }) }));
  assert.deepEqual(none.hosts, []);
  assert.equal(none.emptiedBy, 'requested_destination');
});

test('selectHost labels a move, runs the filters after the move steps, and names them in NoValidHost', () => {
  const opts = {
    filters: DEFAULT_FILTERS,
    weighers: ['RAMWeigher'] as const,
    weigherOptions: DEFAULT_WEIGHER_OPTIONS,
    subsetSize: 1,
    random: () => 0,
    request_id: 'r',
    attempt: 1,
  };
  const t = selectHost(hosts, makeSpec({ move: move({ kind: 'migrate', ignore_hosts: ['a'] }) }), {
    ...opts,
    weighers: [...opts.weighers],
  });
  assert.equal(t.kind, 'migrate');
  assert.equal(t.filters[0]!.name, 'ignore_hosts');
  assert.notEqual(t.chosen, 'a');
  const single = selectHost([hosts[0]!], makeSpec({ move: move({ kind: 'migrate', ignore_hosts: ['a'] }) }), {
    ...opts,
    weighers: [...opts.weighers],
  });
  assert.equal(single.chosen, null);
  assert.equal(single.emptied_by, 'ignore_hosts');
  assert.match(single.error!, /No valid host was found\..* ignore_hosts rejected every remaining host: a: the instance is already here/);
  assert.equal(selectHost(hosts, makeSpec(), { ...opts, weighers: [...opts.weighers] }).kind, undefined);
});
