// Pure: the serial log as text a person (and `console log show`) can read — terminal control
// sequences the guest's shell writes (cursor queries, colours) removed whole, not just their
// ESC byte.
/* eslint-disable no-control-regex -- these patterns exist to match control bytes */
const CSI = /\x1b\[[0-?]*[ -/]*[@-~]/g; // ESC [ params intermediates final
const OSC = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g; // ESC ] … BEL or ST
const TWO_BYTE = /\x1b[@-Z\\-_]/g; // other ESC sequences of two bytes
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/g; // keep \t \n \r

export function readableConsole(raw: string): string {
  return raw.replace(OSC, '').replace(CSI, '').replace(TWO_BYTE, '').replace(CONTROL, '');
}
