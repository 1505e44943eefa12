// Request bodies of the snapshot and shelve actions, as Nova's schemas (servers.create_image,
// create_backup.create_backup, shelve.unshelve_v277).
import { compile, T } from './validation.js';

export const checkCreateImage = compile<{ createImage: { name: string; metadata?: Record<string, string> } }>({
  type: 'object',
  properties: {
    createImage: {
      type: 'object',
      properties: { name: T.name, metadata: T.metadata },
      required: ['name'],
      additionalProperties: false,
    },
  },
  required: ['createImage'],
  additionalProperties: false,
});

export const checkCreateBackup = compile<{
  createBackup: { name: string; backup_type: string; rotation: number | string; metadata?: Record<string, string> };
}>({
  type: 'object',
  properties: {
    createBackup: {
      type: 'object',
      properties: { name: T.name, backup_type: { type: 'string' }, rotation: T.nonNegativeInt, metadata: T.metadata },
      required: ['name', 'backup_type', 'rotation'],
      additionalProperties: false,
    },
  },
  required: ['createBackup'],
  additionalProperties: false,
});

/** 2.77: unshelve may name a zone (null or no body: anywhere). */
export const checkUnshelve277 = compile<{ unshelve: null | { availability_zone: string } }>({
  type: 'object',
  properties: {
    unshelve: {
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          properties: { availability_zone: T.name },
          required: ['availability_zone'],
          additionalProperties: false,
        },
      ],
    },
  },
  required: ['unshelve'],
  additionalProperties: false,
});
