import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Broker } from './broker.js';
import { BusClient, currentContext } from './client.js';
import { rpcClient, serveApi } from './rpc.js';
import type { LabEvent } from '../../contract/events.js';

interface EchoApi {
  [k: string]: (...a: any[]) => Promise<unknown>;
  echo(x: number): Promise<number>;
  fail(): Promise<never>;
  who(): Promise<string | undefined>;
}

async function lab() {
  const broker = new Broker();
  const port = await broker.listen();
  const connect = async (name: string) => {
    const c = new BusClient(name, 2000);
    await c.connect(port, broker.secret);
    return c;
  };
  return { broker, port, connect };
}

test('a call reaches the topic listener and its reply comes back', async () => {
  const { broker, connect } = await lab();
  const server = await connect('server');
  serveApi<EchoApi>(server, 'echo', {
    echo: async (x) => x * 2,
    fail: async () => {
      throw new Error('boom');
    },
    who: async () => currentContext()?.request_id,
  });
  const client = rpcClient<EchoApi>(await connect('client'), 'echo');
  assert.equal(await client.call.echo(21), 42);
  await assert.rejects(client.call.fail(), /boom/);
  assert.equal(await client.with({ ctx: { request_id: 'req-1' } }).who(), 'req-1');
  broker.close();
});

test('a call to a topic nobody serves waits for a listener, then times out', async () => {
  const { broker, connect } = await lab();
  const caller = await connect('caller');
  const late = caller.call('later', 'ping', [], { timeoutMs: 2000 });
  const server = await connect('late-server');
  server.serve('later', { ping: () => 'pong' });
  assert.equal(await late, 'pong');
  await assert.rejects(caller.call('nobody', 'ping', [], { timeoutMs: 100 }), (e: Error) => e.name === 'MessagingTimeout');
  broker.close();
});

test('a cast to a topic nobody serves (its service restarting) is delivered to the next listener', async () => {
  const { broker, connect } = await lab();
  const caster = await connect('caster');
  caster.cast('compute.host-a', 'terminate_instance', ['uuid-1']);
  caster.cast('compute.host-a', 'terminate_instance', ['uuid-2']);
  const got: unknown[] = [];
  const back = await connect('nova-compute@host-a');
  back.serve('compute.host-a', {
    terminate_instance: (uuid: unknown) => {
      got.push(uuid);
      return null;
    },
  });
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(got, ['uuid-1', 'uuid-2']);
  broker.close();
});

test('a client with the wrong secret is refused', async () => {
  const { broker, port } = await lab();
  const intruder = new BusClient('intruder', 500);
  await assert.rejects(intruder.connect(port, 'not-the-secret'));
  broker.close();
});

test('calls and casts are round-robined among listeners and every message is observable', async () => {
  const { broker, connect } = await lab();
  const events: LabEvent[] = [];
  broker.onEvent((e) => events.push(e));
  const seen: string[] = [];
  for (const name of ['w1', 'w2']) {
    const w = await connect(name);
    w.serve('work', {
      hit: () => {
        seen.push(name);
        return name;
      },
    });
  }
  const c = await connect('c');
  await c.call('work', 'hit', []);
  await c.call('work', 'hit', []);
  c.cast('work', 'hit', []);
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(seen.sort(), ['w1', 'w1', 'w2']);
  assert.deepEqual(events.map((e) => e.kind).sort(), ['rpc.call', 'rpc.call', 'rpc.cast', 'rpc.reply', 'rpc.reply']);
  broker.close();
});

test('a reply event carries the context of the call it answers', async () => {
  const { broker, connect } = await lab();
  const events: LabEvent[] = [];
  broker.onEvent((e) => events.push(e));
  const server = await connect('server');
  server.serve('ctx', { ping: () => 'pong' });
  const c = await connect('c');
  await c.call('ctx', 'ping', [], { ctx: { request_id: 'req-42' } });
  assert.equal(events.find((e) => e.kind === 'rpc.reply')!.ctx?.request_id, 'req-42');
  broker.close();
});

test('a large reply is relayed intact and its event only says how large it was', async () => {
  const { broker, connect } = await lab();
  const events: LabEvent[] = [];
  broker.onEvent((e) => events.push(e));
  const big = Array.from({ length: 2000 }, (_, i) => ({
    uuid: `u-${i}`,
    name: `云主机-${i}`,
    note: 'x'.repeat(300),
  }));
  const server = await connect('server');
  server.serve('db', { list: () => big, small: () => ({ ok: true }) });
  const c = await connect('c');
  assert.deepEqual(await c.call('db', 'list', []), big);
  assert.deepEqual(await c.call('db', 'small', []), { ok: true });
  const replies = events.filter((e) => e.kind === 'rpc.reply');
  assert.deepEqual(
    replies.map((e) => e.method),
    ['list', 'small'],
  );
  const detail = replies[0]!.detail as { truncated: boolean; bytes: number };
  assert.equal(detail.truncated, true);
  assert.ok(detail.bytes > JSON.stringify(big).length, `${detail.bytes} bytes`);
  assert.deepEqual(replies[1]!.detail, { ok: true });
  broker.close();
});

test('bytes that are not frames close that connection and the broker serves on', async () => {
  const { broker, port, connect } = await lab();
  const net = await import('node:net');
  for (const junk of ['not json\n', '{"op":"hello","secret":"x"\n', '\u0000\u0001\n']) {
    const s = net.connect({ port, host: '127.0.0.1' });
    await new Promise<void>((r) => s.once('connect', () => r()));
    s.write(junk);
    await new Promise<void>((r) => s.once('close', () => r()));
  }
  const server = await connect('server');
  server.serve('echo', { echo: (x: unknown) => x });
  assert.equal(await (await connect('c')).call('echo', 'echo', [5]), 5);
  broker.close();
});

test('a subscribed service gets every event and its own calls still get their replies', async () => {
  const { broker, connect } = await lab();
  const server = await connect('server');
  server.serve('echo', { echo: (x: unknown) => x });
  const watcher = await connect('watcher');
  const seen: LabEvent[] = [];
  watcher.subscribe((e) => seen.push(e as LabEvent));
  await new Promise((r) => setTimeout(r, 20)); // the subscribe frame reaches the broker
  const answers = await Promise.all([1, 2, 3].map((n) => watcher.call('echo', 'echo', [{ n }])));
  assert.deepEqual(answers, [{ n: 1 }, { n: 2 }, { n: 3 }]);
  watcher.publish({ kind: 'step', summary: 'a step' });
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(
    seen.filter((e) => e.kind === 'rpc.reply').map((e) => e.detail),
    [{ n: 1 }, { n: 2 }, { n: 3 }],
  );
  assert.ok(seen.some((e) => e.kind === 'step' && e.summary === 'a step' && e.source === 'watcher'));
  broker.close();
});

test('a local topic learns who calls it (name, pid, worker slot) and when that caller goes away', async () => {
  const { broker, port } = await lab();
  const seen: unknown[] = [];
  const gone: string[] = [];
  broker.onClientGone((id) => gone.push(id));
  broker.serveLocal('lab', async (_m, _a, _ctx, caller) => {
    seen.push(caller);
    return null;
  });
  const worker = new BusClient('nova-api', 2000, { role: 'osapi_compute', index: 2 });
  await worker.connect(port, broker.secret);
  await worker.call('lab', 'step', [{}]);
  const caller = seen[0] as { clientId: string; name: string; pid: number; worker: unknown; timeoutMs: number };
  assert.equal(caller.name, 'nova-api');
  assert.equal(caller.pid, process.pid);
  assert.deepEqual(caller.worker, { role: 'osapi_compute', index: 2 });
  assert.equal(caller.timeoutMs, 2000);
  worker.close();
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(gone, [caller.clientId]);
  broker.close();
});
