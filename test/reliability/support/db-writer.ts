// A child process for the write-path test: opens nova's database as the conductor does and
// writes one change after another, printing the number of each change once it is acknowledged
// (mutate resolved: on disk). The parent kills it with SIGKILL at random moments.
import { NovaDb } from '../../../backend/conductor/nova-db.js';

const [file, marker] = process.argv.slice(2) as [string, string];
// A small compaction threshold, so that kills also land in the middle of snapshot rewrites.
const db = await NovaDb.open(file, { marker, compactAtBytes: 64 * 1024 });
let n = db.data.counters.instance;
process.stdout.write(`open ${n}\n`);
for (;;) {
  n += 1;
  const seq = n;
  // A change touching several tables, as an instance create does; the document grows.
  await db.mutate((d) => {
    d.counters.instance = seq;
    d.request_specs[`r${seq}`] = { pad: 'x'.repeat(2048) } as never;
    delete d.request_specs[`r${seq - 200}`];
    d.quotas[`p${seq % 7}`] = { instances: seq };
  });
  process.stdout.write(`ack ${seq}\n`);
}
