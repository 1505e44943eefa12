// Pure: how a failure of the `novalab` command reads. Expected conditions (a refusal to start:
// QEMU missing, a port taken, a bad nova.conf) are plain lines that say what to do; anything
// else is its message and where to see more. Stack traces only with --debug.
import { LaunchError } from '../launcher/launcher.js';
import { PortInUseError } from '../common/http/listen.js';

export function failureText(err: Error, debug: boolean): string {
  const trace = debug && err.stack ? `\n${err.stack}` : '';
  if (err instanceof LaunchError) {
    const lines = err.problems.length === 1 ? ` ${err.problems[0]}` : `\n  ${err.problems.join('\n  ')}`;
    return `novalab: cannot start the lab:${lines}${trace}\n`;
  }
  // A port taken after the launcher's check (it lost a race) says what to do in its message.
  if (err instanceof PortInUseError) return `novalab: cannot start the lab: ${err.message}${trace}\n`;
  const more = debug ? trace : '\n(novalab <command> --debug shows where it failed)';
  return `novalab: ${err.message}${more}\n`;
}
