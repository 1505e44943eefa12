// Request bodies, checked with ajv before any route reads them. Unknown top-level fields and
// unknown fields of the entity objects are refused; messages name the field and the rule.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { badRequest } from './errors.js';

const ajv = new Ajv({ allErrors: false, allowUnionTypes: true });

const name = (max: number) => ({
  type: 'string',
  minLength: 1,
  maxLength: max,
  pattern: '^(?=.*\\S)[^\\u0000-\\u001f\\u007f]*$',
});
const id = { type: 'string', minLength: 1, maxLength: 64 };
const text = { type: ['string', 'null'], maxLength: 255 };
const password = { type: 'string', minLength: 1, maxLength: 4096 };
const ref = { type: 'object', additionalProperties: false, properties: { id, name: name(255) } };
const tags = { type: 'array', maxItems: 80, items: { type: 'string', minLength: 1, maxLength: 255 } };
const options = { type: 'object' };

const strictObject = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  required,
});

const authRequest = strictObject(
  {
    auth: strictObject(
      {
        identity: {
          type: 'object',
          required: ['methods'],
          properties: {
            methods: { type: 'array', minItems: 1, maxItems: 4, items: { type: 'string', maxLength: 64 } },
            password: strictObject(
              {
                user: strictObject({ id, name: name(255), password: { type: 'string', maxLength: 4096 }, domain: ref }, ['password']),
              },
              ['user'],
            ),
            token: strictObject({ id: { type: 'string', minLength: 1, maxLength: 512 } }, ['id']),
          },
        },
        scope: {
          anyOf: [
            { const: 'unscoped' },
            strictObject({ project: strictObject({ id, name: name(64), domain: ref }), domain: ref, system: { type: 'object' } }),
          ],
        },
      },
      ['identity'],
    ),
  },
  ['auth'],
);

const projectFields = {
  name: name(64),
  description: text,
  enabled: { type: 'boolean' },
  tags,
  options,
};
const projectCreate = strictObject(
  {
    project: strictObject({ ...projectFields, domain_id: id, parent_id: { type: ['string', 'null'] }, is_domain: { type: 'boolean' } }, [
      'name',
    ]),
  },
  ['project'],
);
const projectUpdate = strictObject({ project: strictObject(projectFields) }, ['project']);

const userFields = {
  name: name(255),
  password,
  enabled: { type: 'boolean' },
  email: text,
  description: text,
  default_project_id: { type: ['string', 'null'], maxLength: 64 },
  options,
};
// Keystone's user schemas allow additional properties: they are stored as the user's extra
// attributes and shown back (Tempest's cred client sends `project_id` and `email` this way).
const openObject = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required });
const userCreate = strictObject({ user: openObject({ ...userFields, domain_id: id }, ['name']) }, ['user']);
const userUpdate = strictObject({ user: openObject(userFields) }, ['user']);
/** The fields of a user body that are Keystone's own: anything else is an extra attribute. */
export const USER_FIELDS: readonly string[] = [...Object.keys(userFields), 'domain_id'];

const roleCreate = strictObject(
  {
    role: strictObject({ name: name(255), description: text, domain_id: { type: 'null' }, options }, ['name']),
  },
  ['role'],
);

/** Pure: one ajv error as a sentence a student can act on. */
export function describeError(e: ErrorObject): string {
  const field = e.instancePath ? `'${e.instancePath.slice(1).replace(/\//g, '.')}'` : 'the request body';
  switch (e.keyword) {
    case 'additionalProperties':
      return `Invalid input for ${field}: unknown field '${(e.params as { additionalProperty: string }).additionalProperty}'.`;
    case 'required':
      return `Invalid input for ${field}: '${(e.params as { missingProperty: string }).missingProperty}' is required.`;
    case 'pattern':
      return `Invalid input for ${field}: must not be blank or contain control characters.`;
    case 'anyOf':
      return `Invalid input for ${field}: must be "unscoped" or an object with a project.`;
    default:
      return `Invalid input for ${field}: ${e.message ?? 'is not valid'}.`;
  }
}

/** Compiled on first use: compiling them all was most of identity's start-up time. */
function validator<T>(schema: object): (body: unknown) => T {
  let compiled: ValidateFunction | null = null;
  const compile = () => (compiled ??= ajv.compile(schema));
  return (body) => {
    if (body === undefined || body === null) throw badRequest('Expecting a JSON request body (Content-Type: application/json).');
    const check = compile();
    if (!check(body)) {
      // anyOf reports its branches' errors first; the anyOf line itself says it best.
      const errors = check.errors ?? [];
      throw badRequest(describeError(errors.find((e) => e.keyword === 'anyOf') ?? errors[0]!));
    }
    return body as T;
  };
}

interface Ref {
  id?: string;
  name?: string;
}
export interface PasswordUser {
  id?: string;
  name?: string;
  password: string;
  domain?: Ref;
}
export interface AuthRequest {
  auth: {
    identity: { methods: string[]; password?: { user: PasswordUser }; token?: { id: string } };
    scope?: 'unscoped' | { project?: Ref & { domain?: Ref }; domain?: Ref; system?: object };
  };
}
export interface ProjectInput {
  name: string;
  description?: string | null;
  enabled?: boolean;
  tags?: string[];
  domain_id?: string;
  parent_id?: string | null;
  is_domain?: boolean;
}
export interface UserInput {
  name: string;
  password?: string;
  enabled?: boolean;
  email?: string | null;
  description?: string | null;
  default_project_id?: string | null;
  domain_id?: string;
}

export const validateAuthRequest = validator<AuthRequest>(authRequest);
export const validateProjectCreate = validator<{ project: ProjectInput }>(projectCreate);
export const validateProjectUpdate = validator<{ project: Partial<ProjectInput> }>(projectUpdate);
export const validateUserCreate = validator<{ user: UserInput }>(userCreate);
export const validateUserUpdate = validator<{ user: Partial<UserInput> }>(userUpdate);
export const validateRoleCreate = validator<{ role: { name: string; description?: string | null } }>(roleCreate);
