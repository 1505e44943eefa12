// The "consoleauth" topic's methods over a TokenStore. Steps 8 and 12 of the course's console
// flow happen here; they are published as events with the instance in ctx and a short hash
// tag of the token — never the token itself.
import { currentContext } from '../bus/client.js';
import { BusFailure } from '../bus/errors.js';
import type { PublishedEvent } from '../bus/wire.js';
import type { Logger } from '../common/log.js';
import { publicConnectInfo, type VncConnectInfo } from '../rpc/compute-api.js';
import type { ConsoleAuthApi } from '../rpc/consoleauth-api.js';
import { tokenTag, type TokenStore } from './token-store.js';
import { msg, summaryOf, type LabMessage } from '../../contract/messages.js';

export interface ConsoleAuthDeps {
  store: TokenStore;
  /** Read when a token is issued, so a changed nova.conf applies to the next token. */
  ttlSeconds: () => number;
  publish: (e: PublishedEvent) => void;
  log: Logger;
}

export function validConnectInfo(info: unknown): info is VncConnectInfo {
  if (!info || typeof info !== 'object') return false;
  const i = info as Record<string, unknown>;
  if (i.kind === 'tcp') {
    const password = i.password === undefined || (typeof i.password === 'string' && i.password.length > 0 && !i.password.includes('\0'));
    return (
      typeof i.host === 'string' &&
      i.host.length > 0 &&
      Number.isInteger(i.port) &&
      (i.port as number) > 0 &&
      (i.port as number) < 65536 &&
      password
    );
  }
  if (i.kind === 'unix') return typeof i.path === 'string' && i.path.startsWith('/') && !i.path.includes('\0');
  return false;
}

const describe = (info: VncConnectInfo) => (info.kind === 'tcp' ? `${info.host}:${info.port}` : `unix:${info.path}`);

export function consoleAuthApi(deps: ConsoleAuthDeps): ConsoleAuthApi {
  const step = (
    step: PublishedEvent['step'],
    instance_uuid: string,
    said: LabMessage,
    detail: unknown,
    project_id = currentContext()?.project_id,
  ) =>
    deps.publish({
      kind: 'step',
      step,
      ...summaryOf(said),
      detail,
      ctx: { ...currentContext(), instance_uuid, ...(project_id ? { project_id } : {}) },
    });

  return {
    async authorize_console(instance_uuid, connect_info) {
      if (typeof instance_uuid !== 'string' || !instance_uuid)
        throw new BusFailure('BadRequest', 'authorize_console needs an instance uuid', { code: 400 });
      if (!validConnectInfo(connect_info))
        throw new BusFailure('BadRequest', 'authorize_console needs connect_info {kind:"tcp",host,port[,password]} or {kind:"unix",path}', {
          code: 400,
        });
      const ttl = deps.ttlSeconds();
      const issued = deps.store.issue(instance_uuid, connect_info, ttl, currentContext()?.project_id);
      const tag = tokenTag(issued.token);
      deps.log.info(`authorized a console for instance ${instance_uuid} (key ${tag}, valid ${ttl} s)`);
      step('consoleauth.authorize', instance_uuid, msg('console.authorized', { where: describe(connect_info), ttl }), {
        key: tag,
        expires_at: issued.expires_at,
        connect_info: publicConnectInfo(connect_info),
      });
      return issued;
    },

    async check_token(token) {
      const auth = deps.store.check(token);
      const tag = typeof token === 'string' ? tokenTag(token) : 'none';
      if (!auth) {
        deps.log.info(`check_token: no valid console token (key ${tag})`);
        return null;
      }
      step(
        'consoleauth.validated',
        auth.instance_uuid,
        msg('console.validated', { where: describe(auth.connect_info) }),
        { key: tag, connect_info: publicConnectInfo(auth.connect_info), expires_at: auth.expires_at },
        auth.project_id,
      );
      return auth;
    },

    async delete_tokens_for_instance(instance_uuid) {
      const removed = deps.store.deleteForInstance(instance_uuid);
      if (removed) deps.log.info(`removed ${removed} console token(s) of instance ${instance_uuid}`);
      return removed;
    },
  };
}
