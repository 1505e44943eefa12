// Bodies of the rebuild, rescue and lock server actions, as Nova's schemas (servers.py
// base_rebuild and its microversion variants, rescue.py, lock_server.py).
import { atLeast, type ApiVersion } from './microversion.js';
import { versionedCheck } from './schemas.js';
import { compile, T } from './validation.js';

export interface RebuildBody {
  rebuild: {
    imageRef: string;
    name?: string;
    adminPass?: string;
    metadata?: Record<string, string>;
    preserve_ephemeral?: boolean | string;
    'OS-DCF:diskConfig'?: string;
    accessIPv4?: string;
    accessIPv6?: string;
    personality?: { path?: string; contents?: string }[];
    description?: string | null;
    key_name?: string | null;
    user_data?: string | null;
    trusted_image_certificates?: string[] | null;
    hostname?: string;
  };
}

function rebuildSchema(v: ApiVersion): object {
  const props: Record<string, unknown> = {
    name: T.name,
    imageRef: { type: 'string', format: 'uuid' },
    adminPass: { type: 'string' },
    metadata: T.metadata,
    preserve_ephemeral: T.boolean,
    'OS-DCF:diskConfig': { type: 'string', enum: ['AUTO', 'MANUAL'] },
    accessIPv4: T.accessIPv4,
    accessIPv6: T.accessIPv6,
  };
  if (!atLeast(v, '2.57'))
    props.personality = {
      type: 'array',
      items: {
        type: 'object',
        properties: { path: { type: 'string' }, contents: { type: 'string' } },
        additionalProperties: false,
      },
    };
  if (atLeast(v, '2.19')) props.description = T.description;
  if (atLeast(v, '2.54')) props.key_name = { oneOf: [{ type: 'string', minLength: 1, maxLength: 255 }, { type: 'null' }] };
  if (atLeast(v, '2.57')) props.user_data = { type: ['string', 'null'], maxLength: 65535 };
  if (atLeast(v, '2.63')) props.trusted_image_certificates = { type: ['array', 'null'] };
  if (atLeast(v, '2.90')) props.hostname = T.hostname;
  return {
    type: 'object',
    properties: { rebuild: { type: 'object', properties: props, required: ['imageRef'], additionalProperties: false } },
    required: ['rebuild'],
    additionalProperties: false,
  };
}

export const rebuildCheck = versionedCheck<RebuildBody>(['2.19', '2.54', '2.57', '2.63', '2.90'], rebuildSchema);

export const checkRescue = compile<{ rescue: { adminPass?: string; rescue_image_ref?: string } | null }>({
  type: 'object',
  properties: {
    rescue: {
      type: ['object', 'null'],
      properties: { adminPass: { type: 'string' }, rescue_image_ref: { type: 'string', format: 'uuid' } },
      additionalProperties: false,
    },
  },
  required: ['rescue'],
  additionalProperties: false,
});

/** lock from 2.73 may give a reason; before, Nova ignores the body's content. */
export const checkLock273 = compile<{ lock: { locked_reason?: string } | null }>({
  type: 'object',
  properties: {
    lock: {
      type: ['object', 'null'],
      properties: { locked_reason: { type: 'string', minLength: 1, maxLength: 255 } },
      additionalProperties: false,
    },
  },
  required: ['lock'],
  additionalProperties: false,
});
