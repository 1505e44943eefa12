// Pure: the novalab command line.
export interface CliArgs {
  command: 'up' | 'status' | 'down' | 'help';
  stateDir: string | null;
  portOffset: number;
  json: boolean;
  /** Show stack traces of failures (otherwise a failure is one or two plain lines). */
  debug: boolean;
}

export function parseArgs(argv: string[]): CliArgs | { error: string } {
  const [command = 'help', ...rest] = argv;
  if (!['up', 'status', 'down', 'help', '--help', '-h'].includes(command)) return { error: `unknown command ${command}` };
  const out: CliArgs = {
    command: command.startsWith('-') ? 'help' : (command as CliArgs['command']),
    stateDir: null,
    portOffset: 0,
    json: false,
    debug: false,
  };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === '--state-dir') out.stateDir = value();
      else if (a.startsWith('--state-dir=')) out.stateDir = a.slice(12);
      else if (a === '--port-offset') out.portOffset = Number(value());
      else if (a === '--json') out.json = true;
      else if (a === '--debug') out.debug = true;
      else return { error: `unknown option ${a}` };
    } catch (err) {
      return { error: (err as Error).message };
    }
  }
  if (!Number.isInteger(out.portOffset) || out.portOffset < 0 || out.portOffset > 50000)
    return { error: '--port-offset must be a whole number from 0 to 50000' };
  return out;
}

export const USAGE = `usage: novalab <command> [--state-dir DIR] [--port-offset N] [--debug]

  up       start the whole lab cloud in the foreground (Ctrl-C stops it)
  status   show the services like \`nova service-list\`, with PIDs and ports
  down     stop a running lab

The state directory defaults to the per-user app-data folder; NOVALAB_STATE_DIR overrides it.
--port-offset N moves every default port by N, so several labs can run side by side.
--debug shows the stack trace of a failure.`;
