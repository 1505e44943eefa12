// One module names every file of the lab's state directory, so no service invents a path.
import os from 'node:os';
import path from 'node:path';

/** The per-user app-data folder, unless NOVALAB_STATE_DIR says otherwise. */
export function defaultStateDir(env = process.env, platform = process.platform): string {
  if (env.NOVALAB_STATE_DIR) return path.resolve(env.NOVALAB_STATE_DIR);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'novalab');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'novalab');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'novalab');
}

export interface StatePaths {
  root: string;
  novaConf: string;
  topology: string;
  /** Nova's database: opened by nova-conductor only. */
  novaDb: string;
  keystoneDb: string;
  glanceDb: string;
  logs: string;
  images: string;
  instances: string;
  hosts: string;
  secrets: string;
  openrc: string;
  cloudsYaml: string;
  /** Written by `novalab up`: PIDs, ports and the control secret, for `status` and `down`. */
  runFile: string;
  /** The launcher's service pids, kept current: the next start stops any a killed launcher left. */
  pidsFile: string;
  /**
   * One marker per database, written when it is first created and kept outside db/: a
   * database file missing while its marker exists was lost, not never made.
   */
  dbMarkers: string;
}

export function statePaths(root: string): StatePaths {
  const p = (...parts: string[]) => path.join(root, ...parts);
  return {
    root,
    novaConf: p('nova.conf'),
    topology: p('topology.json'),
    novaDb: p('db', 'nova.json'),
    keystoneDb: p('db', 'keystone.json'),
    glanceDb: p('db', 'glance.json'),
    logs: p('logs'),
    images: p('images'),
    instances: p('instances'),
    hosts: p('hosts'),
    secrets: p('secrets'),
    openrc: p('openrc'),
    cloudsYaml: p('clouds.yaml'),
    runFile: p('run.json'),
    pidsFile: p('pids.json'),
    dbMarkers: p('initialised'),
  };
}

/** Per-lab-host folders: its image cache and its instances. */
export function hostPaths(paths: StatePaths, host: string) {
  return {
    imageCache: path.join(paths.hosts, host, 'image-cache'),
    instances: path.join(paths.hosts, host, 'instances'),
    accelCache: path.join(paths.hosts, 'accelerator.json'),
  };
}

export const secretFile = (paths: StatePaths, name: 'metadata-hmac' | 'service-password' | 'control') => path.join(paths.secrets, name);

/** The marker of one database (see StatePaths.dbMarkers). */
export const dbMarker = (paths: StatePaths, db: 'nova' | 'keystone' | 'glance') => path.join(paths.dbMarkers, db);
