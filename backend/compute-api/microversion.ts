// Compute API microversions (pure): which version a request asked for, through either header,
// and the range this nova-api serves. Below 2.27 novaclient sends only the legacy header;
// the SDK sends none at all on some action POSTs, which means 2.1.

export const MIN_VERSION = '2.1';
export const MAX_VERSION = '2.96';

export interface ApiVersion {
  major: number;
  minor: number;
}

export type VersionResult = { ok: true; version: ApiVersion; text: string } | { ok: false; status: 400 | 406; message: string };

const FORMAT = /^([1-9]\d*)\.(0|[1-9]\d*)$/;

export function parseVersion(text: string): ApiVersion | null {
  const m = FORMAT.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}

export const MIN = parseVersion(MIN_VERSION)!;
export const MAX = parseVersion(MAX_VERSION)!;

export function compareVersions(a: ApiVersion, b: ApiVersion): number {
  return a.major - b.major || a.minor - b.minor;
}

export const versionText = (v: ApiVersion) => `${v.major}.${v.minor}`;

const known = new Map<string, ApiVersion>();

/** True when `v` is at least `min` (e.g. atLeast(v, '2.47')). */
export function atLeast(v: ApiVersion, min: string): boolean {
  let m = known.get(min);
  if (!m) {
    const parsed = parseVersion(min);
    if (!parsed) throw new Error(`not a microversion: ${min}`);
    known.set(min, (m = parsed));
  }
  return v.major > m.major || (v.major === m.major && v.minor >= m.minor);
}

/** The compute entry of `OpenStack-API-Version: compute 2.53, image 2.1`, if any. */
function fromNewHeader(value: string | undefined): string | undefined {
  if (!value) return undefined;
  for (const part of value.split(',')) {
    const [service, version] = part.trim().split(/\s+/, 2);
    if (service?.toLowerCase() === 'compute') return version ?? '';
  }
  return undefined;
}

/** Headers in (lower-case names, as node gives them), the negotiated version or a fault out. */
export function negotiateVersion(headers: Record<string, string | string[] | undefined>): VersionResult {
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v.join(',') : v;
  };
  const requested = fromNewHeader(one('openstack-api-version')) ?? one('x-openstack-nova-api-version');
  if (requested === undefined) return { ok: true, version: MIN, text: MIN_VERSION };
  const wanted = requested.trim();
  if (wanted.toLowerCase() === 'latest') return { ok: true, version: MAX, text: MAX_VERSION };
  const version = parseVersion(wanted);
  if (!version) {
    return { ok: false, status: 400, message: `API Version String ${wanted} is of invalid format. Must be of format MajorNum.MinorNum.` };
  }
  if (compareVersions(version, MIN) < 0 || compareVersions(version, MAX) > 0) {
    return {
      ok: false,
      status: 406,
      message: `Version ${versionText(version)} is not supported by the API. Minimum is ${MIN_VERSION} and maximum is ${MAX_VERSION}.`,
    };
  }
  return { ok: true, version, text: versionText(version) };
}

/** The headers every versioned response carries. */
export function versionHeaders(v: ApiVersion): Record<string, string> {
  return {
    'OpenStack-API-Version': `compute ${versionText(v)}`,
    'X-OpenStack-Nova-API-Version': versionText(v),
    Vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version',
  };
}
