// Typed RPC over the bus: an interface is the contract, written once. `rpcClient<Api>` turns
// its methods into calls (request/reply) or casts (fire and forget); `serveApi` binds an
// implementation to a topic.
import type { BusClient, CallOptions, Handlers } from './client.js';

/** An RPC interface: every member is an async method. */
export type RpcApi = object;

type CastSide<T extends RpcApi> = { [K in keyof T]: T[K] extends (...args: infer A) => unknown ? (...args: A) => void : never };

export interface RpcClient<T extends RpcApi> {
  call: T;
  cast: CastSide<T>;
  /** Same as `call`, with options for this one call (timeout, context). */
  with(opts: CallOptions): T;
}

export function rpcClient<T extends RpcApi>(bus: BusClient, topic: string): RpcClient<T> {
  const calls = (opts: CallOptions) =>
    new Proxy(
      {},
      {
        get:
          (_, method) =>
          (...args: unknown[]) =>
            bus.call(topic, String(method), args, opts),
      },
    ) as T;
  const cast = new Proxy(
    {},
    {
      get:
        (_, method) =>
        (...args: unknown[]) =>
          bus.cast(topic, String(method), args),
    },
  ) as CastSide<T>;
  return { call: calls({}), cast, with: calls };
}

export function serveApi<T extends RpcApi>(bus: BusClient, topic: string, impl: T): void {
  const handlers: Handlers = {};
  const methods = impl as Record<string, (...args: unknown[]) => unknown>;
  for (const key of Object.keys(methods)) handlers[key] = (...args: unknown[]) => methods[key]!(...args);
  bus.serve(topic, handlers);
}
