// The metadata-definition (metadefs) JSON schemas Glance serves at /v2/schemas/metadefs/...,
// also used to check request bodies (Glance validates each body against them). Pure data.
import { collectionSchema } from '../members.js';

const TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string', null];
const stamp = (what: string, when: 'creation' | 'modification') => ({
  type: 'string',
  readOnly: true,
  description: when === 'creation' ? `Date and time of ${what} creation` : `Date and time of the last ${what} modification`,
  format: 'date-time',
});
const readOnlyString = { readOnly: true, type: 'string' };

/** A property definition's fields (a JSON-schema fragment describing one property). */
const PROPERTY_FIELDS = {
  name: { type: 'string', maxLength: 80 },
  title: { type: 'string' },
  description: { type: 'string' },
  operators: { type: 'array', items: { type: 'string' } },
  type: { type: 'string', enum: TYPES },
  required: { $ref: '#/definitions/stringArray' },
  minimum: { type: 'number' },
  maximum: { type: 'number' },
  maxLength: { $ref: '#/definitions/positiveInteger' },
  minLength: { $ref: '#/definitions/positiveIntegerDefault0' },
  pattern: { type: 'string', format: 'regex' },
  enum: { type: 'array' },
  readonly: { type: 'boolean' },
  default: {},
  items: { type: 'object', properties: { type: { type: 'string', enum: TYPES }, enum: { type: 'array' } } },
  maxItems: { $ref: '#/definitions/positiveInteger' },
  minItems: { $ref: '#/definitions/positiveIntegerDefault0' },
  uniqueItems: { type: 'boolean', default: false },
  additionalItems: { type: 'boolean' },
};

/** The shared definitions; a property document's own stringArray needs at least one item. */
function definitions(withProperty: boolean, minOneItem = false) {
  return {
    positiveInteger: { type: 'integer', minimum: 0 },
    positiveIntegerDefault0: { allOf: [{ $ref: '#/definitions/positiveInteger' }, { default: 0 }] },
    stringArray: { type: 'array', items: { type: 'string' }, ...(minOneItem ? { minItems: 1 } : {}), uniqueItems: true },
    ...(withProperty
      ? { property: { type: 'object', additionalProperties: { type: 'object', required: ['title', 'type'], properties: PROPERTY_FIELDS } } }
      : {}),
  };
}

const NAMESPACE_PROPERTIES = {
  namespace: { type: 'string', description: 'The unique namespace text.', maxLength: 80 },
  display_name: { type: 'string', description: 'The user friendly name for the namespace. Used by UI if available.', maxLength: 80 },
  description: { type: 'string', description: 'Provides a user friendly description of the namespace.', maxLength: 500 },
  visibility: { type: 'string', description: 'Scope of namespace accessibility.', enum: ['public', 'private'] },
  protected: { type: 'boolean', description: 'If true, namespace will not be deletable.' },
  owner: { type: 'string', description: 'Owner of the namespace.', maxLength: 255 },
  created_at: stamp('namespace', 'creation'),
  updated_at: stamp('namespace', 'modification'),
  schema: readOnlyString,
  self: readOnlyString,
  resource_type_associations: {
    type: 'array',
    items: { type: 'object', properties: { name: { type: 'string' }, prefix: { type: 'string' }, properties_target: { type: 'string' } } },
  },
  properties: { $ref: '#/definitions/property' },
  objects: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        description: { type: 'string' },
        required: { $ref: '#/definitions/stringArray' },
        properties: { $ref: '#/definitions/property' },
      },
    },
  },
  tags: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
};

const namespaceItem = { name: 'namespace', properties: NAMESPACE_PROPERTIES, additionalProperties: false };
export const NAMESPACE_SCHEMA = { ...namespaceItem, definitions: definitions(true), required: ['namespace'] };
export const NAMESPACES_SCHEMA = collectionSchema(
  'namespaces',
  { ...namespaceItem, required: ['namespace'] },
  { definitions: definitions(true) },
);

const OBJECT_PROPERTIES = {
  name: { type: 'string', maxLength: 80 },
  description: { type: 'string' },
  required: { $ref: '#/definitions/stringArray' },
  properties: { $ref: '#/definitions/property' },
  schema: readOnlyString,
  self: readOnlyString,
  created_at: stamp('object', 'creation'),
  updated_at: stamp('object', 'modification'),
};
const objectItem = { name: 'object', properties: OBJECT_PROPERTIES, additionalProperties: false };
export const OBJECT_SCHEMA = { ...objectItem, definitions: definitions(true), required: ['name'] };
export const OBJECTS_SCHEMA = collectionSchema('objects', { ...objectItem, required: ['name'] }, { definitions: definitions(true) });

export const PROPERTY_SCHEMA = {
  name: 'property',
  properties: PROPERTY_FIELDS,
  additionalProperties: false,
  definitions: definitions(false, true),
  required: ['type', 'title', 'name'],
};
/** The properties list is an object keyed by property name, not an array. */
export const PROPERTIES_SCHEMA = {
  ...collectionSchema('properties', {}),
  properties: {
    properties: {
      type: 'object',
      additionalProperties: { name: 'property', properties: PROPERTY_FIELDS, additionalProperties: false, required: ['type', 'title'] },
    },
    first: { type: 'string' },
    next: { type: 'string' },
    schema: { type: 'string' },
  },
  definitions: definitions(false, true),
};

const tagItem = {
  name: 'tag',
  properties: { name: { type: 'string', maxLength: 80 }, created_at: stamp('tag', 'creation'), updated_at: stamp('tag', 'modification') },
  additionalProperties: false,
  required: ['name'],
};
export const TAG_SCHEMA = tagItem;
export const TAGS_SCHEMA = collectionSchema('tags', tagItem);

const associationItem = {
  name: 'resource_type_association',
  properties: {
    name: {
      type: 'string',
      description:
        'Resource type names should be aligned with Heat resource types whenever possible: https://docs.openstack.org/heat/latest/template_guide/openstack.html',
      maxLength: 80,
    },
    prefix: {
      type: 'string',
      description:
        'Specifies the prefix to use for the given resource type. Any properties in the namespace should be prefixed with this prefix when being applied to the specified resource type. Must include prefix separator (e.g. a colon :).',
      maxLength: 80,
    },
    properties_target: {
      type: 'string',
      description:
        'Some resource types allow more than one key / value pair per instance.  For example, Cinder allows user and image metadata on volumes. Only the image properties metadata is evaluated by Nova (scheduling or drivers). This property allows a namespace target to remove the ambiguity.',
      maxLength: 80,
    },
    created_at: { type: 'string', readOnly: true, description: 'Date and time of resource type association', format: 'date-time' },
    updated_at: {
      type: 'string',
      readOnly: true,
      description: 'Date and time of the last resource type association modification',
      format: 'date-time',
    },
  },
  additionalProperties: false,
  required: ['name'],
};
export const RESOURCE_TYPE_SCHEMA = associationItem;
export const RESOURCE_TYPES_SCHEMA = collectionSchema('resource_type_associations', associationItem);

/** Path under /v2/schemas/ → document. */
export const METADEF_SCHEMAS: Record<string, object> = {
  'metadefs/namespace': NAMESPACE_SCHEMA,
  'metadefs/namespaces': NAMESPACES_SCHEMA,
  'metadefs/object': OBJECT_SCHEMA,
  'metadefs/objects': OBJECTS_SCHEMA,
  'metadefs/property': PROPERTY_SCHEMA,
  'metadefs/properties': PROPERTIES_SCHEMA,
  'metadefs/tag': TAG_SCHEMA,
  'metadefs/tags': TAGS_SCHEMA,
  'metadefs/resource_type': RESOURCE_TYPE_SCHEMA,
  'metadefs/resource_types': RESOURCE_TYPES_SCHEMA,
};
