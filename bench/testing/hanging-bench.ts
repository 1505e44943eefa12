// A bench run with tiny fake sections, for bench-deadline.test.ts: `quick` measures and ends;
// `stuck` measures one figure, then hangs in a step that holds a socket and a timer open (as
// the console section once hung on an idle websockify connection).
import net from 'node:net';
import { benchMain } from '../run.js';

benchMain(process.argv.slice(2), [
  {
    name: 'quick',
    budgetMs: 5_000,
    load: async () => async (ctx) => {
      ctx.figures['quick.answer'] = await ctx.step('compute', 1_000, async () => 42);
    },
  },
  {
    name: 'stuck',
    budgetMs: 20_000,
    load: async () => async (ctx) => {
      ctx.figures['stuck.before'] = 1;
      const server = net.createServer(() => undefined);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      ctx.defer('close server', () => new Promise((r) => server.close(r)));
      await ctx.step('idle-socket', 300, async (signal) => {
        const sock = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
        signal.addEventListener('abort', () => sock.destroy());
        await new Promise(() => setInterval(() => undefined, 1000)); // never resolves
      });
      ctx.figures['stuck.after'] = 1;
    },
  },
  {
    name: 'later',
    budgetMs: 5_000,
    load: async () => async () => ({ 'later.ran': 1 }),
  },
]);
