// Which servers have a console to open: a QEMU process with a VNC server, that is a server
// ACTIVE or PAUSED. nova-api refuses a console for any other (409), and the GUI's console
// picker lists only these, so it never offers a console that can only fail.
const OPENABLE: ReadonlySet<string> = new Set(['ACTIVE', 'PAUSED']);

export const CONSOLE_STATUSES = [...OPENABLE];

export const consoleCanOpen = (status: string): boolean => OPENABLE.has(status);
