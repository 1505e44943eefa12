import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readableConsole } from './console-text.js';

test("the shell's cursor query and colours are removed whole from the console log", () => {
  assert.equal(readableConsole('root@vm1:~# \x1b[6n'), 'root@vm1:~# ');
  assert.equal(readableConsole('\x1b[1;32mok\x1b[0m done\r\n'), 'ok done\r\n');
  assert.equal(readableConsole('title\x1b]0;vm1\x07 here'), 'title here');
});

test('ordinary text, tabs and line ends are kept', () => {
  assert.equal(readableConsole('novalab login: vm1 (abc)\n\tindented\r\n'), 'novalab login: vm1 (abc)\n\tindented\r\n');
});
