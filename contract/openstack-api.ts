// Shapes of the OpenStack APIs that both sides of the lab read: nova-api validates the body
// the GUI's launch wizard sends, nova-api and the GUI both read glance's image view.

/** POST /v2.1/servers, as Nova accepts it (the schema in backend/compute-api/schemas.ts checks it). */
export interface ServerCreateBody {
  server: {
    name: string;
    imageRef?: string;
    flavorRef: string | number;
    availability_zone?: string;
    key_name?: string;
    min_count?: number | string;
    max_count?: number | string;
    metadata?: Record<string, string>;
    user_data?: string;
    description?: string | null;
    networks?: string | unknown[];
    security_groups?: { name: string }[];
    return_reservation_id?: boolean | string;
    tags?: string[];
    hostname?: string;
    host?: string;
    hypervisor_hostname?: string;
    accessIPv4?: string;
    accessIPv6?: string;
    [k: string]: unknown;
  };
  /** The hint `group` puts the server in a server group, placed by its policy. */
  'os:scheduler_hints'?: Record<string, string | string[]>;
  'OS-SCH-HNT:scheduler_hints'?: Record<string, string | string[]>;
}

/** An image as glance v2 shows it: its fields, and its custom properties beside them. */
export interface GlanceImage {
  id: string;
  name: string | null;
  status: string;
  disk_format?: string;
  size?: number | null;
  min_ram?: number;
  min_disk?: number;
  visibility?: string;
  architecture?: string;
  hypervisor_type?: string;
  [property: string]: unknown;
}
