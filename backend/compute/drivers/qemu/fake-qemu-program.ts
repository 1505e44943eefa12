// A stand-in for qemu-system-* and qemu-img in the driver's unit tests (what is outside the
// unit, faked): it reads the same argv, writes the pid file and the serial log, and speaks
// enough QMP — status, stop/cont, powerdown, reset, quit, query-vnc, change-vnc-password, migrate to a unix
// socket — for the driver's supervision logic to be tested without booting anything.
// Run as: node fake-qemu-program.js qemu-system-x86_64|qemu-img <args…>
// Environment: FAKE_QEMU_FAIL=1 exits at start; FAKE_QEMU_ACPI=1 powers off on the button.
import fs from 'node:fs';
import net from 'node:net';

const [tool, ...args] = process.argv.slice(2);
const opt = (flag: string) => args[args.indexOf(flag) + 1] ?? '';

if (tool === 'qemu-img') {
  fs.writeFileSync(args.at(-1)!, 'QFI\xfb fake overlay\n');
  process.exit(0);
}
if (args[0] === '--version') {
  console.log('QEMU emulator version 7.2.0 (fake)');
  process.exit(0);
}
if (process.env.FAKE_QEMU_FAIL) {
  console.error(`${tool}: -accel ${opt('-accel')}: injected start failure`);
  process.exit(1);
}

const qmpPath = /^unix:(.*?),server/.exec(opt('-qmp'))![1]!.replaceAll(',,', ',');
const logPath = /(?:path|logfile)=(.*?),(?:append|logappend)=on/.exec(opt('-chardev'))![1]!.replaceAll(',,', ',');
fs.writeFileSync(opt('-pidfile'), `${process.pid}\n`);
fs.appendFileSync(logPath, `fake boot of ${opt('-uuid')}\n`);
let status = args.includes('-incoming') ? 'inmigrate' : 'running';
if (status === 'inmigrate') {
  const state = fs.readFileSync(3, 'utf8'); // -incoming fd:3
  fs.appendFileSync(logPath, `restored ${state.length} bytes\n`);
  setTimeout(() => (status = 'paused'), 50);
}
// A VNC display on a unix socket exists as a socket file (nothing speaks RFB on it).
const vncUnix = /^unix:(.*)$/.exec(opt('-vnc'))?.[1]?.replaceAll(',,', ',');
if (vncUnix) net.createServer((c) => c.end()).listen(vncUnix);
let vncPasswordSet = false;
const ticker = setInterval(() => status === 'running' && fs.appendFileSync(logPath, 'tick\n'), 100);

net
  .createServer((conn) => {
    const send = (o: unknown) => conn.write(JSON.stringify(o) + '\r\n');
    const event = (name: string, data?: unknown) => send({ event: name, data, timestamp: { seconds: 0, microseconds: 0 } });
    const exit = (guest: boolean) => {
      event('SHUTDOWN', { guest, reason: guest ? 'guest-shutdown' : 'host-qmp-quit' });
      clearInterval(ticker);
      setTimeout(() => process.exit(0), 20);
    };
    send({ QMP: { version: { qemu: { major: 7, minor: 2, micro: 0 } }, capabilities: [] } });
    let buf = '';
    conn.on('data', (d) => {
      buf += d.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const { execute, arguments: a } = JSON.parse(buf.slice(0, nl)) as { execute: string; arguments?: Record<string, unknown> };
        buf = buf.slice(nl + 1);
        switch (execute) {
          case 'query-status':
            send({ return: { status, running: status === 'running' } });
            break;
          case 'stop':
            status = 'paused';
            send({ return: {} });
            event('STOP');
            break;
          case 'cont':
            status = 'running';
            send({ return: {} });
            event('RESUME');
            break;
          case 'system_reset':
            send({ return: {} });
            event('RESET', { guest: false });
            break;
          case 'query-vnc':
            send({ return: { enabled: true, host: '127.0.0.1', service: '5907', auth: vncPasswordSet ? 'vnc' : 'none' } });
            break;
          case 'change-vnc-password':
            if (!opt('-vnc').includes('password=on')) {
              send({ error: { class: 'GenericError', desc: 'Could not set password' } });
              break;
            }
            vncPasswordSet = typeof a?.password === 'string';
            send({ return: {} });
            break;
          case 'system_powerdown':
            send({ return: {} });
            if (process.env.FAKE_QEMU_ACPI) setTimeout(() => exit(true), 50);
            break;
          case 'quit':
            send({ return: {} });
            exit(false);
            break;
          case 'migrate': {
            const out = net.connect(String(a!.uri).slice('unix:'.length), () => out.end('fake machine state'));
            status = 'postmigrate';
            send({ return: {} });
            break;
          }
          case 'query-migrate':
            send({ return: { status: status === 'postmigrate' ? 'completed' : 'none' } });
            break;
          default:
            send({ return: {} });
        }
      }
    });
  })
  .listen(qmpPath);
