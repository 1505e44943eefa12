// A stored record to the image object Glance returns: core fields, links, and every extra
// property flattened to a top-level string key. Pure.
import { apiTime, type ImageRecord } from './image-record.js';

export type ApiImage = Record<string, unknown>;

export function toApiImage(rec: ImageRecord): ApiImage {
  return {
    // Extra properties first, so a core field always wins a name clash.
    ...rec.properties,
    id: rec.id,
    name: rec.name,
    status: rec.status,
    visibility: rec.visibility,
    protected: rec.protected,
    os_hidden: rec.os_hidden,
    checksum: rec.checksum,
    os_hash_algo: rec.os_hash_algo,
    os_hash_value: rec.os_hash_value,
    size: rec.size,
    virtual_size: rec.virtual_size,
    container_format: rec.container_format,
    disk_format: rec.disk_format,
    min_disk: rec.min_disk,
    min_ram: rec.min_ram,
    owner: rec.owner,
    created_at: apiTime(rec.created_at),
    updated_at: apiTime(rec.updated_at),
    tags: [...rec.tags],
    self: `/v2/images/${rec.id}`,
    file: `/v2/images/${rec.id}/file`,
    schema: '/v2/schemas/image',
  };
}

/** The versions document: GET / answers it with 300, GET /versions with 200. */
export function versionsDocument(baseUrl: string) {
  const version = (id: string, status: string) => ({ id, status, links: [{ rel: 'self', href: `${baseUrl}/v2/` }] });
  const supported = [
    'v2.15',
    'v2.14',
    'v2.13',
    'v2.12',
    'v2.11',
    'v2.10',
    'v2.9',
    'v2.8',
    'v2.7',
    'v2.6',
    'v2.5',
    'v2.4',
    'v2.3',
    'v2.2',
    'v2.1',
    'v2.0',
  ];
  return { versions: [version('v2.16', 'CURRENT'), ...supported.map((v) => version(v, 'SUPPORTED'))] };
}
