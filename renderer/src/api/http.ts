// One fetch wrapper for every service behind the GUI's origin. OpenStack services answer
// errors in different shapes (Nova `{"badRequest":{code,message}}`, Keystone
// `{"error":{code,title,message}}`, Glance plain text, the lab `{"error":{...}}`); ApiError
// carries the service's own message so a screen can show what failed and what to do.

export class ApiError extends Error {
  constructor(
    readonly service: string,
    readonly status: number,
    message: string,
    readonly method: string,
    readonly url: string,
    readonly requestId: string | null,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Headers;
  requestId: string | null;
}

export interface RequestOptions {
  method?: string;
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** The human message inside an OpenStack error body, whatever its shape. */
export function faultMessage(body: unknown, fallback: string): string {
  if (typeof body === 'string') {
    const text = body.trim();
    if (!text) return fallback;
    // webob style: "404 Not Found\n\nNo image found with ID x"
    const lines = text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    return lines.length > 1 ? lines.slice(1).join(' ') : (lines[0] ?? fallback);
  }
  if (body && typeof body === 'object') {
    for (const value of Object.values(body as Record<string, unknown>)) {
      if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
        return (value as { message: string }).message;
      }
    }
    const m = (body as { message?: unknown }).message;
    if (typeof m === 'string') return m;
  }
  return fallback;
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json') || /^[[{]/.test(text.trim())) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export async function request<T>(service: string, url: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (opts.token) headers['X-Auth-Token'] = opts.token;
  let payload: string | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    payload = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: payload, signal: opts.signal, cache: 'no-store' });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(service, 0, `${service} is not reachable: ${(err as Error).message}`, method, url, null, null);
  }
  const body = await readBody(res);
  const requestId = res.headers.get('x-openstack-request-id') ?? res.headers.get('x-compute-request-id');
  if (!res.ok) {
    throw new ApiError(service, res.status, faultMessage(body, `${res.status} ${res.statusText}`), method, url, requestId, body);
  }
  return { status: res.status, body: body as T, headers: res.headers, requestId };
}
