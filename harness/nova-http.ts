// Raw HTTP to a lab's compute API and its image list, for functional tests that check status
// codes and fault bodies exactly (ComputeClient is the friendlier client for whole flows).
import type { LabHandle } from './lab-process.js';

export interface NovaReply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON bodies of many shapes
  headers: Headers;
}

/** One compute API request; `version` sets OpenStack-API-Version (none: the server's 2.1). */
export async function novaRequest(
  lab: LabHandle,
  token: string,
  method: string,
  path: string,
  opts: { version?: string; body?: unknown } = {},
): Promise<NovaReply> {
  const headers: Record<string, string> = { 'X-Auth-Token': token };
  if (opts.version) headers['OpenStack-API-Version'] = `compute ${opts.version}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(lab.url('osapi_compute', `/v2.1${path}`), {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** Nova's fault body ({"badRequest": {code, message}}) without its key. */
export const faultOf = (r: NovaReply) => Object.values(r.body as Record<string, { code: number; message: string }>)[0]!;

/** The id of a lab image, by name. */
export async function labImageId(lab: LabHandle, token: string, name = 'novalab-x86_64'): Promise<string> {
  const res = await fetch(lab.url('glance-api', `/v2/images?name=${encodeURIComponent(name)}`), { headers: { 'X-Auth-Token': token } });
  return ((await res.json()) as { images: { id: string }[] }).images[0]!.id;
}
