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
  /** 'running' once it said ready; 'starting' before; 'restarting' after a crash. */
  state: 'starting' | 'running' | 'restarting' | 'stopped';
  restarts: number;
  startedAt: string | null;
  lastExit: { code: number | null; signal: string | null; at: string } | null;
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
