// The image JSON schema: served at /v2/schemas/image(s) for glanceclient, and used to check the
// shape of what users send (create bodies, images after a PATCH). Pure.
import { Ajv, type ValidateFunction } from 'ajv';
import { badRequest } from './errors.js';

const UUID = '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$';
const nullableString = (maxLength: number, extra: object = {}) => ({ type: ['null', 'string'], maxLength, ...extra });
const readOnly = (type: unknown, description: string) => ({ type, readOnly: true, description });

export const IMAGE_SCHEMA = {
  name: 'image',
  additionalProperties: { type: 'string', maxLength: 65535 },
  properties: {
    id: { type: 'string', pattern: UUID, description: 'An identifier for the image' },
    name: nullableString(255, { description: 'Descriptive name for the image' }),
    status: readOnly('string', 'Status of the image'),
    visibility: { type: 'string', enum: ['community', 'public', 'private', 'shared'], description: 'Scope of image accessibility' },
    protected: { type: 'boolean', description: 'If true, image will not be deletable.' },
    os_hidden: { type: 'boolean', description: 'If true, image will not appear in default image list response.' },
    checksum: readOnly(['null', 'string'], 'md5 hash of image contents.'),
    os_hash_algo: readOnly(['null', 'string'], 'Algorithm to calculate the os_hash_value'),
    os_hash_value: readOnly(['null', 'string'], 'Hexdigest of the image contents using the algorithm specified by the os_hash_algo'),
    owner: nullableString(255, { description: 'Owner of the image' }),
    size: readOnly(['null', 'integer'], 'Size of image file in bytes'),
    virtual_size: readOnly(['null', 'integer'], 'Virtual size of image in bytes'),
    container_format: {
      type: ['null', 'string'],
      enum: [null, 'ami', 'ari', 'aki', 'bare', 'ovf'],
      description: 'Format of the container',
    },
    disk_format: {
      type: ['null', 'string'],
      enum: [null, 'ami', 'ari', 'aki', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso'],
      description: 'Format of the disk',
    },
    created_at: readOnly('string', 'Date and time of image registration'),
    updated_at: readOnly('string', 'Date and time of the last image modification'),
    tags: { type: 'array', items: { type: 'string', maxLength: 255 }, maxItems: 128, description: 'List of strings related to the image' },
    min_ram: { type: 'integer', minimum: 0, maximum: 2147483647, description: 'Amount of ram (in MB) required to boot image.' },
    min_disk: { type: 'integer', minimum: 0, maximum: 2147483647, description: 'Amount of disk space (in GB) required to boot image.' },
    self: readOnly('string', 'An image self url'),
    file: readOnly('string', 'An image file url'),
    schema: readOnly('string', 'An image schema url'),
    kernel_id: nullableString(36, {
      pattern: UUID,
      description: 'ID of image stored in Glance that should be used as the kernel when booting an AMI-style image.',
    }),
    ramdisk_id: nullableString(36, {
      pattern: UUID,
      description: 'ID of image stored in Glance that should be used as the ramdisk when booting an AMI-style image.',
    }),
    architecture: {
      type: 'string',
      description:
        'Operating system architecture as specified in https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html',
    },
    hypervisor_type: { type: 'string', description: 'Hypervisor type of the image (qemu, kvm …)' },
    os_command_line: { type: 'string', description: 'The kernel command line to be used by the libvirt/qemu driver' },
    os_distro: { type: 'string', description: 'Common name of operating system distribution' },
    os_version: { type: 'string', description: 'Operating system version as specified by the distributor' },
    description: { type: 'string', description: 'A human-readable string describing this image.' },
  },
  links: [
    { rel: 'self', href: '{self}' },
    { rel: 'enclosure', href: '{file}' },
    { rel: 'describedby', href: '{schema}' },
  ],
} as const;

export const IMAGES_SCHEMA = {
  name: 'images',
  properties: {
    images: { type: 'array', items: IMAGE_SCHEMA },
    schema: { type: 'string' },
    first: { type: 'string' },
    next: { type: 'string' },
  },
  links: [
    { rel: 'first', href: '{first}' },
    { rel: 'next', href: '{next}' },
    { rel: 'describedby', href: '{schema}' },
  ],
} as const;

// Checking ignores readOnly (the callers refuse read-only keys themselves, with a 403).
// Compiled on the first check, not at import (part of glance's start-up CPU).
let compiled: ValidateFunction | null = null;
const checker = () =>
  (compiled ??= new Ajv({ strict: false, allErrors: false }).compile({
    type: 'object',
    properties: IMAGE_SCHEMA.properties,
    additionalProperties: IMAGE_SCHEMA.additionalProperties,
  }));

/** 400 with Glance's wording when an object does not fit the image schema. */
export function validateImageShape(obj: Record<string, unknown>): void {
  const check = checker();
  if (check(obj)) return;
  const err = check.errors?.[0];
  const where = err?.instancePath ? err.instancePath.slice(1).replace(/\//g, '.') : 'image';
  const allowed =
    err?.keyword === 'enum'
      ? ` (allowed: ${(err.params as { allowedValues: unknown[] }).allowedValues.filter((v) => v !== null).join(', ')})`
      : '';
  throw badRequest(`Provided object does not match schema 'image': ${where} ${err?.message ?? 'is invalid'}${allowed}`);
}
