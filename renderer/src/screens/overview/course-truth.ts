// Pure: what stands for each box of the course's pictures in this lab, now — from the
// launcher's processes (/lab/api/services), nova-api's workers and the launcher's pid
// (/lab/api/architecture) and the hosts' hypervisor types (os-hypervisors). Never assumed:
// a box whose evidence has not arrived says so.
import type { LabArchitecture } from '../../../../contract/lab-api';
import type { ServiceProcess } from '../../../../contract/services';
import type { CourseBox } from './course-architecture';

/** real: a process of this lab, running; down: its process is not running now; inside: part of another process; absent: not in the lab. */
export type Tone = 'real' | 'down' | 'inside' | 'absent' | 'unknown';

export interface BoxTruth {
  tone: Tone;
  /** The pids that are this box in the lab now. */
  pids: number[];
  /** i18n key under overview.course.lab, with its parameters. */
  key: string;
  params: Record<string, string | number>;
}

export interface LiveLab {
  processes: readonly ServiceProcess[];
  architecture: LabArchitecture | null;
  /** hypervisor_type of each host (os-hypervisors); null until read. */
  hypervisorTypes: readonly string[] | null;
}

const unknown: BoxTruth = { tone: 'unknown', pids: [], key: 'unknown', params: {} };

export function boxTruth(box: CourseBox, live: LiveLab): BoxTruth {
  const lab = box.lab;
  switch (lab.kind) {
    case 'absent':
      return { tone: 'absent', pids: [], key: 'absent', params: {} };
    case 'process': {
      const procs = live.processes.filter((p) => p.binary === lab.binary);
      const running = procs.filter((p) => p.pid !== null);
      const pids = running.flatMap((p) => [p.pid!, ...p.workerPids]);
      const tone: Tone = running.length === 0 ? 'down' : 'real';
      if (lab.binary === 'nova-compute')
        return { tone, pids, key: 'computes', params: { count: running.length, hosts: procs.map((p) => p.host).join(', ') } };
      const p = running[0];
      if (!p) return { tone, pids, key: 'notRunning', params: {} };
      if (p.workerPids.length > 0)
        return { tone, pids, key: 'master', params: { pid: p.pid!, count: 1 + p.workerPids.length, workers: p.workerPids.join(', ') } };
      return { tone, pids, key: 'process', params: { pid: p.pid! } };
    }
    case 'inside': {
      if (lab.of === 'launcher') {
        if (!live.architecture) return unknown;
        return { tone: 'inside', pids: [live.architecture.launcher_pid], key: 'broker', params: { pid: live.architecture.launcher_pid } };
      }
      const conductor = live.processes.find((p) => p.binary === 'nova-conductor' && p.pid !== null);
      return conductor
        ? { tone: 'inside', pids: [conductor.pid!], key: 'database', params: { pid: conductor.pid! } }
        : { tone: 'down', pids: [], key: 'databaseDown', params: {} };
    }
    case 'hypervisor': {
      if (!live.hypervisorTypes) return unknown;
      const types = [...new Set(live.hypervisorTypes)];
      if (types.length > 0 && types.every((t) => t === 'fake')) return { tone: 'absent', pids: [], key: 'hypervisorFake', params: {} };
      return { tone: 'real', pids: [], key: 'hypervisorQemu', params: { types: types.join(', ') } };
    }
    case 'balancer': {
      const api = live.architecture?.api_workers;
      if (!api || api.length === 0) return unknown;
      const master = api[0]!.master_pid;
      return api.every((g) => g.accepts === 'master') && master !== null
        ? { tone: 'inside', pids: [master], key: 'balancerMaster', params: { pid: master } }
        : { tone: 'absent', pids: [], key: 'balancerNone', params: {} };
    }
  }
}
