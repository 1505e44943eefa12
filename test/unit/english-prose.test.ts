// The zh sweep's checker: which Latin words on a Chinese screen are English prose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { englishWords, findEnglishProse, formatReport } from '../e2e/support/english-prose.js';

const names = new Set(['nova-compute', 'nova-api', 'host-a', 'RamFilter', 'ram_allocation_ratio', 'novalab-x86_64', 'm1.tiny', 'zh-guest']);

test('Chinese with names, ids, units and commands has no English word', () => {
  for (const text of [
    '主机 host-a 被 RamFilter 排除：可用内存 512 MB 少于规格要求的 2048 MB',
    'nova-compute@host-a 上的 nova-compute 已停止',
    '实例 3f1c2a9e-1b2c-4d5e-8f90-123456789abc 的请求 req-7e1d',
    '在终端中运行 `openstack server list`',
    '内存超分比率（ram_allocation_ratio）：1.5',
    '轮询直到状态为 ACTIVE',
    'QEMU 驱动生成 qemu-system 命令行（见下方 argv）',
    '13:45:02',
    '2 vCPU · 512 MB · 1 GB',
    '令牌放在 X-Auth-Token 头中，带上 imageRef',
    '无法读取计算节点（os-hypervisors）',
    '没有找到有效主机（NoValidHost）',
  ])
    assert.deepEqual(englishWords(text, names), [], text);
});

test('English words are found, also beside Chinese and in a status badge', () => {
  assert.deepEqual(englishWords('Credentials to keystone', names), ['Credentials', 'to', 'keystone']);
  assert.deepEqual(englishWords('主机 host-a：not enough free RAM', names), ['not', 'enough', 'free']);
  assert.deepEqual(englishWords('ERROR', names), ['ERROR'], 'a state alone is an untranslated label');
  assert.deepEqual(englishWords('Running', names), ['Running']);
  assert.deepEqual(englishWords('3 hosts', names), ['hosts']);
  assert.deepEqual(englishWords('token for admin@admin, roles admin, expires soon', names), [
    'token',
    'for',
    'roles',
    'admin',
    'expires',
    'soon',
  ]);
});

test('raw samples are data; the report lists each word with its screen and text', () => {
  const found = findEnglishProse(
    [
      { screen: 'boot', text: 'POST /compute/v2.1/servers: No valid host was found', raw: true },
      { screen: 'boot', text: '凭证发送到 Keystone' },
      { screen: 'config', text: 'must be >= 1' },
    ],
    names,
  );
  assert.deepEqual(
    found.map((w) => `${w.screen}:${w.word}`),
    ['config:must', 'config:be'],
  );
  const report = formatReport(found);
  assert.match(report, /^config: 2 English word\(s\)\n {2}\[must be\] in "must be >= 1"$/);
});
