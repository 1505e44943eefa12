// renderMessage: a backend message in either language, with its parameters (nested messages
// and lists rendered too), i18next's plurals, and the backend's English for a code the GUI
// does not know.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import i18next from 'i18next';
import en from './parts/messages.en.json';
import zhCN from './parts/messages.zh-CN.json';
import statesEn from './parts/zh-sweep.en.json';
import statesZh from './parts/zh-sweep.zh-CN.json';
import { messageParts, renderMessage } from './message';
import { messageText, msg, raw, term, type LabMessage } from '../../../contract/messages';

async function translator(lng: 'en' | 'zh-CN') {
  const i = i18next.createInstance();
  await i.init({
    lng,
    fallbackLng: 'en',
    resources: { en: { translation: { ...en, ...statesEn } }, 'zh-CN': { translation: { ...zhCN, ...statesZh } } },
    interpolation: { escapeValue: false },
  });
  return i.t;
}

const noValidHost = msg('noValidHost.emptied', {
  filter: 'CoreFilter',
  reasons: {
    sep: '; ',
    items: [
      msg('noValidHost.hostReason', { host: 'h1', reason: msg('filter.core.overSelf', { count: 1, physical: 0 }) }),
      msg('noValidHost.hostReason', { host: 'h2', reason: msg('filter.core.overSelf', { count: 4, physical: 2 }) }),
    ],
  },
  before: '',
});

test("in English a message reads as the backend's own text, plurals included", async () => {
  const t = await translator('en');
  assert.equal(renderMessage(t, noValidHost), messageText(noValidHost));
  assert.match(renderMessage(t, noValidHost), /h1: 1 vCPU requested > 0 physical vCPUs .*; h2: 4 vCPUs requested > 2 physical vCPUs/);
});

test('in 简体中文 the message, the hosts listed in it and their reasons are Chinese, with the numbers', async () => {
  const t = await translator('zh-CN');
  assert.equal(
    renderMessage(t, noValidHost),
    '没有找到有效主机：没有足够的可用主机。CoreFilter 拒绝了剩下的所有主机：' +
      'h1：请求 1 个 vCPU > 物理 vCPU 0 个（一个实例不能对自己超分）；h2：请求 4 个 vCPU > 物理 vCPU 2 个（一个实例不能对自己超分）。',
  );
});

test("a code the GUI does not know shows the backend's English", async () => {
  const t = await translator('zh-CN');
  const unknown = { code: 'filter.fromANewerBackend', params: { x: 1 } } as unknown as LabMessage;
  assert.equal(renderMessage(t, unknown, 'the English the backend sent'), 'the English the backend sent');
});

const polled = msg('step.apiPollTask', {
  path: raw('/v2.1/servers/abc'),
  status: term('status', 'BUILD'),
  task_state: term('taskState', 'spawning'),
});

test('raw data stays as it is and apart from the words; a state is translated by its vocabulary', async () => {
  const zh = await translator('zh-CN');
  const en = await translator('en');
  assert.equal(renderMessage(en, polled), messageText(polled));
  assert.deepEqual(messageParts(zh, polled), ['GET ', { raw: '/v2.1/servers/abc' }, ' → 状态「创建中」（任务状态「启动中」）']);
});
