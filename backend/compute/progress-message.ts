// The driver's spawn progress and the guest's banner as event lines by code: the GUI translates
// the words and shows the detail (a command line, a pid, what the guest printed) as data.
import { msg, raw, summaryOf, type MessageCode } from '../../contract/messages.js';
import type { SpawnPhase } from './driver.js';

const PHASE_CODES: Record<SpawnPhase, MessageCode> = {
  'creating-disk': 'progress.creatingDisk',
  starting: 'progress.starting',
  started: 'progress.started',
};

/** A progress event's summary and message for one spawn phase of an instance. */
export const spawnProgress = (name: string, p: { phase: SpawnPhase; detail: string }) =>
  summaryOf(msg(PHASE_CODES[p.phase], { name, detail: raw(p.detail) }));

/** A progress event's summary and message for the guest's login banner. */
export const bannerProgress = (name: string, line: string) => summaryOf(msg('progress.banner', { name, line: raw(line) }));
