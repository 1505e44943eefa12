// The lab endpoints (/lab/api/…) as one table: method, path, who may call it, what it does.
// The server looks routes up here and the access-matrix test walks the same table, so a new
// endpoint is checked for its access rule the day it is added.
import type { AuthContext } from '../common/http/keystone-auth.js';
import { isSecretKey, REDACTED } from '../bus/redact.js';
import { statusTitle } from '../common/http/status-title.js';
import { LAB_API, LAB_ERRORS, labErrorText, type LabErrorBody, type LabErrorCode, type LabErrorParams } from '../../contract/lab-api.js';
import { eventsFor, holdsFor, type Viewer } from './event-scope.js';
import type { LabServerOptions } from './lab-server.js';

/** public: no token (the GUI reads it before sign-in); member: any project's token; admin: the admin role. */
export type LabAccess = 'public' | 'member' | 'admin';

export interface LabCall {
  params: Record<string, string>;
  query: URLSearchParams;
  viewer: Viewer;
  /** The request's JSON body (read by the server: size limit, malformed JSON → 4xx). */
  body(): Promise<unknown>;
}
export interface LabReply {
  status: number;
  body: unknown;
}

export interface LabRoute {
  method: 'GET' | 'PUT' | 'POST';
  /** Segments starting with ':' match one path segment of [A-Za-z0-9_-]. */
  path: string;
  access: LabAccess;
  /** Served over a WebSocket (its own authentication: a token in the first message). */
  websocket?: boolean;
  handle(c: LabCall): Promise<LabReply> | LabReply;
}

export const EVENT_STREAM_PATH = LAB_API.eventStream;

/** The control secret (novalab status/down) acts as admin. */
export const viewerOf = (who: AuthContext | 'control'): Viewer =>
  who === 'control' ? { admin: true, project_id: null } : { admin: who.is_admin, project_id: who.project_id };

const ok = (body: unknown, status = 200): LabReply => ({ status, body });

/** A lab error by its catalogue code (contract/lab-api.ts), thrown by handlers and readers. */
export class LabFailure extends Error {
  constructor(
    readonly code: LabErrorCode,
    readonly params: LabErrorParams = {},
    readonly extra: Partial<LabErrorBody> = {},
  ) {
    super(labErrorText(code, params));
  }
}

/** The lab's errors in keystone's shape (its tokens are the lab's), with the catalogue code and parameters. */
export function labError(code: LabErrorCode, params: LabErrorParams = {}, extra: Partial<LabErrorBody> = {}): LabReply {
  const status = LAB_ERRORS[code].status;
  const body: LabErrorBody = {
    error: { code: status, title: statusTitle(status), message: labErrorText(code, params), key: code, params },
    ...extra,
  };
  return { status, body };
}

/** nova.conf as a member sees it: secret options (admin_password) masked in the text and the values. */
export function maskConfig(config: unknown): unknown {
  const c = config as { text?: string; values?: Record<string, unknown> };
  if (!c || typeof c !== 'object') return config;
  const text =
    typeof c.text === 'string'
      ? c.text.replace(/^(\s*#?\s*)([A-Za-z0-9_.-]+)(\s*=\s*)(.*)$/gm, (line, pre: string, key: string, eq: string) =>
          isSecretKey(key) ? `${pre}${key}${eq}${REDACTED}` : line,
        )
      : c.text;
  const values =
    c.values &&
    Object.fromEntries(Object.entries(c.values).map(([k, v]) => [k, isSecretKey(k.split('.').pop()!) && v !== undefined ? REDACTED : v]));
  return { ...c, text, values };
}

export function labRoutes(opts: Pick<LabServerOptions, 'handlers' | 'events'>): LabRoute[] {
  const h = () => opts.handlers;
  return [
    { method: 'GET', path: LAB_API.info, access: 'public', handle: () => ok(h().info()) },
    { method: 'GET', path: LAB_API.services, access: 'member', handle: async () => ok(await h().services()) },
    {
      method: 'GET',
      path: LAB_API.events,
      access: 'member',
      handle: ({ query, viewer }) =>
        ok({
          events: eventsFor(
            viewer,
            opts.events.since(Number(query.get('since') ?? 0), {
              request_id: query.get('request_id') ?? undefined,
              instance_uuid: query.get('instance_uuid') ?? undefined,
            }),
          ),
        }),
    },
    // Over plain HTTP the stream only says how to open it.
    { method: 'GET', path: EVENT_STREAM_PATH, access: 'member', websocket: true, handle: () => labError('websocket_only') },
    {
      method: 'GET',
      path: LAB_API.stepMode,
      access: 'member',
      handle: ({ viewer }) => {
        const s = h().stepMode() as { enabled: boolean; holds: Parameters<typeof holdsFor>[1] };
        return ok({ ...s, holds: holdsFor(viewer, s.holds) });
      },
    },
    {
      method: 'PUT',
      path: LAB_API.stepMode,
      access: 'admin',
      handle: async ({ body }) => ok(h().setStepMode(((await body()) as { enabled?: unknown }).enabled === true)),
    },
    {
      method: 'POST',
      path: LAB_API.stepModeNext,
      access: 'admin',
      handle: async ({ body }) => ok(h().next(((await body()) as { request_id?: string }).request_id)),
    },
    {
      method: 'GET',
      path: LAB_API.config,
      access: 'member',
      handle: ({ viewer }) => ok(viewer.admin ? h().config() : maskConfig(h().config())),
    },
    { method: 'PUT', path: LAB_API.config, access: 'admin', handle: async ({ body }) => ok(await h().updateConfig(await body())) },
    // nova-api's pids per port and the hosts' ratios: what the overview draws beside the course's pictures.
    { method: 'GET', path: LAB_API.architecture, access: 'admin', handle: async () => ok(await h().architecture()) },
    {
      method: 'POST',
      path: LAB_API.restart,
      access: 'admin',
      handle: async ({ params, query }) => ok(await h().restart(params.binary!, query.get('host') ?? undefined)),
    },
  ];
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

function match(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = pathname.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i]!.startsWith(':')) {
      if (!SEGMENT.test(got[i]!)) return null;
      params[want[i]!.slice(1)] = got[i]!;
    } else if (want[i] !== got[i]) return null;
  }
  return params;
}

export type RouteMatch = { route: LabRoute; params: Record<string, string>; methodNotAllowed?: string[] };

/** The route for a request; a known path with another method gives the methods it allows. */
export function findLabRoute(routes: readonly LabRoute[], method: string, pathname: string): RouteMatch | null {
  const onPath = routes.map((route) => ({ route, params: match(route.path, pathname) })).filter((m) => m.params !== null);
  if (onPath.length === 0) return null;
  const exact = onPath.find((m) => m.route.method === method || (method === 'HEAD' && m.route.method === 'GET'));
  if (exact) return { route: exact.route, params: exact.params! };
  return { route: onPath[0]!.route, params: onPath[0]!.params!, methodNotAllowed: onPath.map((m) => m.route.method) };
}
