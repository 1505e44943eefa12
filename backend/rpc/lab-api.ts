// The launcher's own topic ("lab"): step mode. A service announces a boot step here and the
// call returns at once — unless step mode is on, when it returns only after the learner
// presses Next. The held request really is held.
import type { BootStepId, ConsoleStepId } from '../../contract/boot-steps.js';
import type { LabMessage } from '../../contract/messages.js';

export interface StepAnnouncement {
  step: BootStepId | ConsoleStepId;
  summary: string;
  /** `summary` by code, for the GUI to translate. */
  message?: LabMessage;
  detail?: unknown;
}

export interface LabApi {
  step(a: StepAnnouncement): Promise<void>;
}

export const LAB_TOPIC = 'lab';
