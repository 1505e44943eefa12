// The hosts a resize or cold migration may go to, before the filters run (Nova's host
// manager: ignore_hosts are stripped, a requested_destination is the only candidate). Pure;
// each step is written into the trace like a filter, so the explanation says why the
// current host was never considered.
import type { HostState, RequestSpec, SchedulerFilterTrace } from '../../contract/scheduler.js';
import { messageText, msg, type LabMessage } from '../../contract/messages.js';

export interface MoveHosts {
  hosts: HostState[];
  trace: SchedulerFilterTrace[];
  /** The step that left no host, or null. */
  emptiedBy: string | null;
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function moveCandidates(hosts: readonly HostState[], spec: RequestSpec): MoveHosts {
  const move = spec.move;
  let left = [...hosts];
  const trace: SchedulerFilterTrace[] = [];
  if (!move) return { hosts: left, trace, emptiedBy: null };
  const step = (name: string, keep: (h: HostState) => boolean, why: () => LabMessage) => {
    const passed = left.filter(keep);
    trace.push({
      name,
      start: left.length,
      end: passed.length,
      passed: passed.map((h) => h.host),
      rejected: left.filter((h) => !keep(h)).map((h) => ({ host: h.host, reason: messageText(why()), message: why() })),
    });
    left = passed;
  };
  if (move.ignore_hosts.length) {
    step(
      'ignore_hosts',
      (h) => !move.ignore_hosts.some((x) => sameName(x, h.host)),
      () => msg(move.kind === 'migrate' ? 'filter.move.alreadyHereMigrate' : 'filter.move.alreadyHereResize'),
    );
  }
  if (move.requested_host) {
    const wanted = move.requested_host;
    step(
      'requested_destination',
      (h) => sameName(h.host, wanted),
      () => msg('filter.move.notRequested', { host: wanted }),
    );
  }
  const emptied = trace.find((t) => t.end === 0);
  return { hosts: left, trace, emptiedBy: emptied ? emptied.name : null };
}
