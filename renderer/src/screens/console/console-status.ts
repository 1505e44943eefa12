// Pure: can a server's console be opened? The lab's API hands out a VNC URL only for a server
// that is ACTIVE or PAUSED (a QEMU process with a VNC server; see vncUrl in the compute API);
// listing any other server in the picker would offer a console that can only fail.
const OPENABLE = new Set(['ACTIVE', 'PAUSED']);

export const consoleCanOpen = (status: string): boolean => OPENABLE.has(status);
