// A service's health as every screen shows it, decided once (backend/shared/service-health.ts)
// from both things the lab knows: the supervisor's process state and the service's heartbeat
// in os-services. A process that runs but no longer heartbeats (frozen by SIGSTOP, stuck) is
// down, as Nova's own service-list says; a process that died is down whatever its last
// heartbeat says. Also: a crash as the supervisor reports it on the bus, and the service logs.

/** The one word a screen shows for a service. */
export type HealthState = 'up' | 'down' | 'starting' | 'restarting' | 'failing' | 'stopped' | 'unknown';

/**
 * Why: a code the GUI translates (health.reason.<code>) with its params.
 * - running: the process runs and the service keeps no heartbeat (keystone, glance-api, nova-api, nova-novncproxy)
 * - heartbeat: the process runs and its heartbeat is fresh ({age_s})
 * - no_heartbeat: the process runs but its last heartbeat is older than service_down_time ({age_s, down_time_s})
 * - forced_down: an admin forced the service down (os-services force-down)
 * - not_registered: the process runs but has no os-services record yet
 * - heartbeats_unreadable: the conductor did not answer, so no heartbeat could be read
 * - starting, restarting ({exit}), failing ({failures, exit}), stopped: the supervisor's word
 */
export type HealthReasonCode =
  | 'running'
  | 'heartbeat'
  | 'no_heartbeat'
  | 'forced_down'
  | 'not_registered'
  | 'heartbeats_unreadable'
  | 'starting'
  | 'restarting'
  | 'failing'
  | 'stopped';

export interface ServiceHealth {
  binary: string;
  host: string;
  state: HealthState;
  reason: HealthReasonCode;
  params: Record<string, string | number>;
}

/** The binaries that keep a heartbeat in os-services (the others have no service record). */
export const HEARTBEAT_BINARIES: readonly string[] = ['nova-compute', 'nova-scheduler', 'nova-conductor', 'nova-consoleauth'];

/** How a process ended: the signal's name, or its exit code. */
export type ExitReason = { signal: string; code: null } | { signal: null; code: number | null };

/**
 * The detail of a `service` event the supervisor emits when a service process ends without
 * being asked to (`event: 'crash'`), and when it is running again (`event: 'back'`) or a try
 * to start it failed (`event: 'start_failed'`); and when a restart someone asked for (the GUI,
 * the lab API) has it running again (`event: 'restarted'`).
 */
export interface ServiceLifeDetail {
  event: 'crash' | 'back' | 'start_failed' | 'restarted';
  binary: string;
  host: string;
  /** crash: the pid that ended; back, restarted: the new pid. */
  pid: number | null;
  /** crash: how it ended. */
  exit?: ExitReason;
  /** The plan: start it again at once (`restart`) or after a back-off (`backoff`), and when. */
  plan?: { action: 'restart' | 'backoff'; delay_ms: number; next_try_at: string | null; failures: number };
  restarts: number;
  /** A worker of a master process (nova-api's), which the master itself starts again. */
  worker?: { role: string; index: number };
}

/** One line of a service's log as the lab API serves it (secrets already masked). */
export interface LogLine {
  /** Byte offset of the line's start in the log file: a stable key and the resume point. */
  at: number;
  /** INFO, WARNING, ERROR when the line is one of the lab logger's; null for anything else (a stack trace). */
  level: 'INFO' | 'WARNING' | 'ERROR' | null;
  text: string;
}

/** GET /lab/api/services/:binary/logs[?host=…][&after=N]: the last lines, or those after byte N. */
export interface LabLogs {
  binary: string;
  host: string;
  lines: LogLine[];
  /** Where the next read starts (after=…): the end of the last complete line served. */
  next: number;
  /** Older lines exist that were not served (the answer is tail-limited). */
  truncated: boolean;
}
