// Request validation with ajv, with the messages Nova's jsonschema validation gives:
// "Invalid input for field/attribute <name>. Value: <value>. <reason>".
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isIPv4, isIPv6 } from 'node:net';
import { badRequest } from './faults.js';

const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false, useDefaults: false });
// The formats Nova's schemas name (jsonschema's FormatChecker): access IPs.
ajv.addFormat('ipv4', { type: 'string', validate: (s: string) => isIPv4(s) });
ajv.addFormat('ipv6', { type: 'string', validate: (s: string) => isIPv6(s) });
// oslo's is_uuid_like: 32 hex digits, dashes optional.
ajv.addFormat('uuid', {
  type: 'string',
  validate: (s: string) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
});

/** Python-style repr, as jsonschema prints values in Nova's messages. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object')
    return `{${Object.entries(v as object)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  return String(v);
}

function valueAt(root: unknown, pointer: string): unknown {
  if (!pointer) return root;
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
  }
  return cur;
}

function reason(e: ErrorObject, value: unknown): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `Additional properties are not allowed (${pyRepr(p.additionalProperty)} was unexpected)`;
    case 'required':
      return `${pyRepr(p.missingProperty)} is a required property`;
    case 'type':
      return `${pyRepr(value)} is not of type ${[p.type]
        .flat()
        .map((t) => pyRepr(t))
        .join(', ')}`;
    case 'enum':
      return `${pyRepr(value)} is not one of ${pyRepr(p.allowedValues)}`;
    case 'minLength':
      return `${pyRepr(value)} is too short`;
    case 'maxLength':
      return `${pyRepr(value)} is too long`;
    case 'minimum':
      return `${pyRepr(value)} is less than the minimum of ${p.limit}`;
    case 'maximum':
      return `${pyRepr(value)} is greater than the maximum of ${p.limit}`;
    case 'pattern':
      return `${pyRepr(value)} does not match ${pyRepr(p.pattern)}`;
    case 'minProperties':
      return `${pyRepr(value)} does not have enough properties`;
    case 'maxProperties':
      return `${pyRepr(value)} has too many properties`;
    case 'maxItems':
      return `${pyRepr(value)} is too long`;
    case 'uniqueItems':
      return `${pyRepr(value)} has non-unique elements`;
    case 'format':
      return `${pyRepr(value)} is not a ${pyRepr(p.format)}`;
    case 'oneOf':
    case 'anyOf':
      return `${pyRepr(value)} is not valid under any of the given schemas`;
    default:
      return `${pyRepr(value)} is invalid: ${e.message ?? e.keyword}`;
  }
}

/** The first validation error in Nova's words. */
export function novaMessage(e: ErrorObject, body: unknown): string {
  const value = valueAt(body, e.instancePath);
  const why = reason(e, value);
  if (!e.instancePath) return why;
  const field = e.instancePath.split('/').pop()!.replace(/~1/g, '/').replace(/~0/g, '~');
  return `Invalid input for field/attribute ${field}. Value: ${pyRepr(value)}. ${why}`;
}

export type Check<T> = (body: unknown) => T;

/**
 * A schema as a check that returns the body typed, or throws a 400 badRequest. ajv generates
 * the code at the first use, not at import: most of a worker's checks wait long for their
 * first request, and compiling them all delayed every osapi worker's start.
 */
export function compile<T = Record<string, unknown>>(schema: object): Check<T> {
  let fn: ValidateFunction | null = null;
  return (body) => {
    fn ??= ajv.compile(schema);
    if (fn(body)) return body as T;
    const err = pickError(fn.errors ?? []);
    throw badRequest(err ? novaMessage(err, body) : 'Invalid input');
  };
}

/** oneOf/anyOf report their branches' errors first; the combined one reads better. */
function pickError(errors: ErrorObject[]): ErrorObject | undefined {
  return errors.find((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf') ?? errors[0];
}

// Building blocks shared by the schemas (nova/api/validation/parameter_types.py).
export const T = {
  name: { type: 'string', minLength: 1, maxLength: 255, pattern: '^\\S(.*\\S)?$' },
  nameOrEmpty: { type: 'string', maxLength: 255 },
  description: { type: ['string', 'null'], minLength: 0, maxLength: 255 },
  accessIPv4: { type: 'string', format: 'ipv4' },
  accessIPv6: { type: 'string', format: 'ipv6' },
  hostname: { type: 'string', minLength: 2, maxLength: 63, pattern: '^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$' },
  positiveInt: { type: ['integer', 'string'], pattern: '^[0-9]*$', minimum: 1, minLength: 1 },
  nonNegativeInt: { type: ['integer', 'string'], pattern: '^[0-9]*$', minimum: 0, minLength: 1 },
  boolean: {
    type: ['boolean', 'string'],
    enum: [
      true,
      'True',
      'TRUE',
      'true',
      '1',
      'ON',
      'On',
      'on',
      'YES',
      'Yes',
      'yes',
      'y',
      't',
      false,
      'False',
      'FALSE',
      'false',
      '0',
      'OFF',
      'Off',
      'off',
      'NO',
      'No',
      'no',
      'n',
      'f',
    ],
  },
  metadata: {
    type: 'object',
    patternProperties: { '^[a-zA-Z0-9-_:. ]{1,255}$': { type: 'string', maxLength: 255 } },
    additionalProperties: false,
  },
} as const;

export const TRUE_STRINGS = new Set(['true', '1', 'on', 'yes', 'y', 't']);
export const toBool = (v: unknown): boolean => v === true || (typeof v === 'string' && TRUE_STRINGS.has(v.toLowerCase()));
