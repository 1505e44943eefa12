import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failureText } from './failure-text.js';
import { LaunchError } from '../launcher/launcher.js';
import { PortInUseError } from '../common/http/listen.js';

const TRACE = /^\s+at /m;

test('a refusal to start is plain lines; --debug adds the trace', () => {
  const e = new LaunchError(['QEMU is not installed: …', 'Install QEMU: brew install qemu']);
  assert.equal(failureText(e, false), 'novalab: cannot start the lab:\n  QEMU is not installed: …\n  Install QEMU: brew install qemu\n');
  assert.match(failureText(e, true), TRACE);
});

test('a port lost to a race after the check reads like the check, without a trace', () => {
  const text = failureText(new PortInUseError(8780, 'novalab gui', '127.0.0.1'), false);
  assert.match(text, /^novalab: cannot start the lab: port 8780 \(novalab gui\) on 127\.0\.0\.1 is already in use: stop/);
  assert.doesNotMatch(text, TRACE);
});

test('an unexpected failure: its message and how to see more; the trace only with --debug', () => {
  const err = new Error('something broke');
  assert.equal(failureText(err, false), 'novalab: something broke\n(novalab <command> --debug shows where it failed)\n');
  assert.match(failureText(err, true), TRACE);
});
