import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiFault } from './faults.js';
import { parseVersion } from './microversion.js';
import {
  checkAggregateAddHost,
  checkAggregateCreate,
  checkAggregateSetMetadata,
  checkAggregateUpdate,
  checkConsoleOutput,
  checkReboot,
  checkResetState,
  keypairCreateCheck,
  serverCreateCheck,
  serverUpdateCheck,
} from './schemas.js';
import { pyRepr } from './validation.js';

const v = (s: string) => parseVersion(s)!;
const fault = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ApiFault);
    assert.equal(err.status, 400);
    return err.message;
  }
  assert.fail('no fault');
};
const server = (extra: Record<string, unknown> = {}) => ({ server: { name: 'vm1', imageRef: 'img', flavorRef: '1', ...extra } });

test("an unknown field in server create is refused, naming it (Nova's additionalProperties)", () => {
  assert.equal(
    fault(() => serverCreateCheck(v('2.1'))(server({ colour: 'blue' }))),
    "Invalid input for field/attribute server. Value: {'name': 'vm1', 'imageRef': 'img', 'flavorRef': '1', 'colour': 'blue'}. Additional properties are not allowed ('colour' was unexpected)",
  );
  assert.equal(
    fault(() => serverCreateCheck(v('2.1'))({ ...server(), extra: 1 })),
    "Additional properties are not allowed ('extra' was unexpected)",
  );
});

test('fields arrive with their microversion: description from 2.19, networks required from 2.37', () => {
  assert.match(
    fault(() => serverCreateCheck(v('2.18'))(server({ description: 'x' }))),
    /'description' was unexpected/,
  );
  assert.doesNotThrow(() => serverCreateCheck(v('2.19'))(server({ description: 'x' })));
  assert.doesNotThrow(() => serverCreateCheck(v('2.36'))(server()));
  assert.match(
    fault(() => serverCreateCheck(v('2.37'))(server())),
    /'networks' is a required property/,
  );
  assert.doesNotThrow(() => serverCreateCheck(v('2.37'))(server({ networks: 'none' })));
  assert.doesNotThrow(() => serverCreateCheck(v('2.37'))(server({ networks: 'auto' })));
  assert.match(
    fault(() => serverCreateCheck(v('2.37'))(server({ networks: 'some' }))),
    /is not valid under any of the given schemas/,
  );
  assert.match(
    fault(() => serverCreateCheck(v('2.1'))(server({ networks: 'none' }))),
    /'none' is not of type 'array'/,
  );
});

test('names, counts and user data are checked', () => {
  assert.match(
    fault(() => serverCreateCheck(v('2.1'))(server({ name: ' vm' }))),
    /Invalid input for field\/attribute name/,
  );
  assert.match(
    fault(() => serverCreateCheck(v('2.1'))({ server: { imageRef: 'i', flavorRef: '1' } })),
    /'name' is a required property/,
  );
  assert.match(
    fault(() => serverCreateCheck(v('2.1'))(server({ min_count: 0 }))),
    /0 is less than the minimum of 1/,
  );
  assert.match(
    fault(() => serverCreateCheck(v('2.1'))(server({ user_data: 'A'.repeat(65536) }))),
    /is too long/,
  );
  assert.doesNotThrow(() => serverCreateCheck(v('2.1'))(server({ min_count: '2', max_count: 3 })));
});

test('actions and key pairs', () => {
  assert.match(
    fault(() => checkReboot({ reboot: { type: 'WARM' } })),
    /'WARM' is not one of \['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft'\]/,
  );
  assert.match(
    fault(() => checkReboot({ reboot: {} })),
    /'type' is a required property/,
  );
  assert.doesNotThrow(() => checkConsoleOutput({ 'os-getConsoleOutput': { length: '10' } }));
  assert.doesNotThrow(() => checkConsoleOutput({ 'os-getConsoleOutput': { length: null } }));
  assert.match(
    fault(() => checkConsoleOutput({ 'os-getConsoleOutput': { length: -2 } })),
    /less than the minimum of -1/,
  );
  assert.doesNotThrow(() => keypairCreateCheck(v('2.91'))({ keypair: { name: 'k1' } }));
  assert.match(
    fault(() => keypairCreateCheck(v('2.92'))({ keypair: { name: 'k1' } })),
    /'public_key' is a required property/,
  );
  assert.match(
    fault(() => keypairCreateCheck(v('2.1'))({ keypair: { name: 'k1', type: 'ssh' } })),
    /'type' was unexpected/,
  );
  assert.match(
    fault(() => keypairCreateCheck(v('2.1'))({ keypair: { name: 'k/1' } })),
    /does not match/,
  );
});

test('values print as Python would in the messages', () => {
  assert.equal(pyRepr({ a: [1, 'b', null, true] }), "{'a': [1, 'b', None, True]}");
  assert.equal(pyRepr("it's"), "'it\\'s'");
});

test("os-aggregates bodies as Nova's schemas: zone names without ':', update needs name or zone, null metadata values", () => {
  const accepted: [(b: unknown) => unknown, unknown][] = [
    [checkAggregateCreate, { aggregate: { name: 'rack1' } }],
    [checkAggregateCreate, { aggregate: { name: 'rack1', availability_zone: 'az1' } }],
    [checkAggregateCreate, { aggregate: { name: 'rack1', availability_zone: null } }],
    [checkAggregateUpdate, { aggregate: { name: ' spaced ' } }],
    [checkAggregateUpdate, { aggregate: { availability_zone: 'az2' } }],
    [checkAggregateAddHost, { add_host: { host: 'host-a.example_1' } }],
    [checkAggregateSetMetadata, { set_metadata: { metadata: { ssd: 'true', gone: null } } }],
  ];
  for (const [check, body] of accepted) assert.doesNotThrow(() => check(body), JSON.stringify(body));
  const refused: [(b: unknown) => unknown, unknown, RegExp][] = [
    [checkAggregateCreate, { aggregate: { name: '' } }, /field\/attribute name\. Value: ''\. '' is too short/],
    [checkAggregateCreate, { aggregate: { name: 'x'.repeat(256) } }, /is too long/],
    [checkAggregateCreate, { aggregate: { name: ' lead' } }, /field\/attribute name/],
    [checkAggregateCreate, { aggregate: { name: 'x', availability_zone: 'a:b' } }, /field\/attribute availability_zone/],
    [checkAggregateCreate, { aggregate: {} }, /'name' is a required property/],
    [checkAggregateUpdate, { aggregate: {} }, /is not valid under any of the given schemas/],
    [checkAggregateUpdate, { aggregate: { name: 'x', metadata: {} } }, /'metadata' was unexpected/],
    [checkAggregateAddHost, { add_host: { host: 'bad host' } }, /field\/attribute host/],
    [checkAggregateSetMetadata, { set_metadata: { metadata: { 'bad/key': 'x' } } }, /'bad\/key' was unexpected/],
    [checkAggregateSetMetadata, { set_metadata: { metadata: { k: 1 } } }, /1 is not of type 'string', 'null'/],
  ];
  for (const [check, body, want] of refused)
    assert.match(
      fault(() => check(body)),
      want,
      JSON.stringify(body),
    );
});

test("server update: fields per microversion, access IPs by format, with Nova's messages", () => {
  const ok = (ver: string, body: unknown) => assert.deepEqual(serverUpdateCheck(v(ver))(body), body);
  ok('2.1', { server: { name: 'x', accessIPv4: '192.0.2.1', accessIPv6: '2001:db8::1', 'OS-DCF:diskConfig': 'AUTO' } });
  ok('2.1', { server: {} });
  ok('2.19', { server: { description: null } });
  ok('2.90', { server: { hostname: 'web-1' } });
  assert.match(
    fault(() => serverUpdateCheck(v('2.18'))({ server: { description: 'd' } })),
    /'description' was unexpected/,
  );
  assert.match(
    fault(() => serverUpdateCheck(v('2.89'))({ server: { hostname: 'h1' } })),
    /'hostname' was unexpected/,
  );
  assert.equal(
    fault(() => serverUpdateCheck(v('2.1'))({ server: { accessIPv4: '1.1.1.1.1' } })),
    "Invalid input for field/attribute accessIPv4. Value: '1.1.1.1.1'. '1.1.1.1.1' is not a 'ipv4'",
  );
  assert.match(
    fault(() => serverUpdateCheck(v('2.1'))({ server: { accessIPv6: '2001:::1' } })),
    /is not a 'ipv6'/,
  );
  assert.match(
    fault(() => serverUpdateCheck(v('2.1'))({ server: { name: '' } })),
    /is too short/,
  );
  assert.match(
    fault(() => serverUpdateCheck(v('2.90'))({ server: { hostname: '-bad' } })),
    /does not match/,
  );
  assert.match(
    fault(() => serverUpdateCheck(v('2.1'))({})),
    /'server' is a required property/,
  );
});

test('os-resetState takes state active or error only', () => {
  assert.deepEqual(checkResetState({ 'os-resetState': { state: 'error' } }), { 'os-resetState': { state: 'error' } });
  assert.match(
    fault(() => checkResetState({ 'os-resetState': { state: 'stopped' } })),
    /is not one of \['active', 'error'\]/,
  );
  assert.match(
    fault(() => checkResetState({ 'os-resetState': {} })),
    /'state' is a required property/,
  );
});
