// The services of the lab as the course names them, with their default ports.
// Shared by the launcher, the CLI, the renderer and the tests.

export const SERVICE_BINARIES = [
  'keystone',
  'glance-api',
  'nova-conductor',
  'nova-scheduler',
  'nova-compute',
  'nova-consoleauth',
  'nova-novncproxy',
  'nova-api',
] as const;
export type ServiceBinary = (typeof SERVICE_BINARIES)[number];

/** Default ports (the course's). `null`: the service has no port (it only listens on the bus). */
export const DEFAULT_PORTS = {
  keystone: 5000,
  'glance-api': 9292,
  osapi_compute: 8774,
  metadata: 8775,
  ec2: 8773,
  'nova-novncproxy': 6080,
  gui: 8780,
} as const;
export type PortName = keyof typeof DEFAULT_PORTS;

/** What the launcher knows of one running service process. */
export interface ServiceProcess {
  binary: ServiceBinary;
  /** For nova-compute: the lab host it serves; otherwise the machine's lab host name. */
  host: string;
  pid: number | null;
  /** The worker PIDs of a master process (nova-api). */
  workerPids: number[];
  ports: number[];
  /**
   * 'running' once it said ready; 'starting' before; 'restarting' after a crash; 'failing'
   * when tries to start it again keep failing (the supervisor backs off and keeps trying).
   */
  state: 'starting' | 'running' | 'restarting' | 'failing' | 'stopped';
  /** Tries to start it again since the lab started. */
  restarts: number;
  /** Deaths in a row without a stable run (0 while healthy). */
  failures: number;
  /** When the supervisor tries again, while it waits; null otherwise. */
  nextTryAt: string | null;
  startedAt: string | null;
  lastExit: { code: number | null; signal: string | null; at: string } | null;
  /** What the process said when it last failed to start (e.g. a refused database), if anything. */
  lastError: string | null;
}

/** A row of `nova service-list` (os-services). */
export interface ServiceRecord {
  id: number;
  uuid: string;
  binary: ServiceBinary;
  host: string;
  zone: string;
  disabled: boolean;
  disabled_reason: string | null;
  forced_down: boolean;
  updated_at: string;
  created_at: string;
}

export interface ServiceRow extends ServiceRecord {
  status: 'enabled' | 'disabled';
  state: 'up' | 'down';
}

/** The launcher's word to a service that the whole lab is shutting down (over the IPC channel:
 *  on Windows only SIGTERM and SIGKILL exist, and both mean "this process"). A plain SIGTERM
 *  stops or restarts one service; nova-compute then leaves its guests running. */
export const LAB_SHUTDOWN_MESSAGE = { type: 'lab-shutdown' } as const;
