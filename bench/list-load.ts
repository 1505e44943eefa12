// The concurrent-list load: `clients` clients, each on its own keep-alive connection (as each
// `openstack` CLI or SDK session is), making `each` GETs one after the other. node:http, not
// fetch: measured here (2 vCPU), undici's fetch spends more CPU per 1.9 MB body than the
// server that sends it, and serves its 100 streams unfairly — a bare Node server sending the
// same body had a p99 of 12 s under fetch and 0.9 s under node:http, with the same p50. The
// figure is meant to be the server's tail, not the client's.
import http from 'node:http';

export interface LoadResult {
  latencies: number[];
  errors: number;
}

/** One GET on `agent`'s connection, body read to its end; rejects at `ms` or on `signal`. */
function getWithin(url: string, headers: Record<string, string>, agent: http.Agent, ms: number, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers, signal: AbortSignal.any([signal, AbortSignal.timeout(ms)]) }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Every latency (ms, request sent → body read) and how many requests failed or were not 200. */
export async function listLoad(
  url: string,
  headers: Record<string, string>,
  clients: number,
  each: number,
  signal: AbortSignal,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (let i = 0; i < each; i++) {
          const t = performance.now();
          try {
            if ((await getWithin(url, headers, agent, 30_000, signal)) !== 200) errors++;
          } catch {
            if (signal.aborted) throw signal.reason;
            errors++;
          }
          latencies.push(performance.now() - t);
        }
      } finally {
        agent.destroy();
      }
    }),
  );
  return { latencies, errors };
}
