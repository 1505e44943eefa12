// The image property hypervisor_version_requires (Nova: img_hv_requested_version), e.g.
// ">=6.0" or ">=2.11, <3.0", checked against a host's integer hypervisor_version. Nova packs
// versions as major × 1,000,000 + minor × 1,000 + patch (6000000 is "6.0.0"); novalab also
// accepts a requirement written in that packed form (">=6000000"), which Nova would refuse.

export type Comparison = '<' | '<=' | '==' | '!=' | '>=' | '>';
export interface VersionCondition {
  op: Comparison;
  version: number[];
  text: string;
}

/** Nova's convert_version_to_str: 6000000 → "6.0.0", 2012000 → "2.12.0". */
export function versionToString(packed: number): string {
  return unpack(packed).join('.') || '0';
}

/** 6000000 → [6, 0, 0]. */
function unpack(packed: number): number[] {
  const parts: number[] = [];
  for (let v = Math.trunc(packed); v > 0; v = Math.trunc(v / 1000)) parts.unshift(v % 1000);
  return parts;
}

function versionParts(text: string): number[] | null {
  if (/^\d+$/.test(text) && Number(text) >= 1000) return unpack(Number(text));
  if (!/^\d+\.\d+(\.\d+)?$/.test(text)) return null;
  return text.split('.').map(Number);
}

const CONDITION = /^\s*(<=|>=|<|>|!=|==)\s*([^\s,]+)\s*$/;

/** The conditions of a requirement, or a reason it cannot be read. */
export function parseVersionRequirement(req: string): VersionCondition[] | string {
  const conditions: VersionCondition[] = [];
  for (const piece of req.split(',')) {
    const m = CONDITION.exec(piece);
    const version = m ? versionParts(m[2]!) : null; // group 2 is not optional
    if (!m || !version) return `cannot read "${piece.trim()}" as a version condition like ">=6.0"`;
    conditions.push({ op: m[1] as Comparison, version, text: `${m[1]}${m[2]}` });
  }
  return conditions;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0, n = Math.max(a.length, b.length); i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const HOLDS: Record<Comparison, (d: number) => boolean> = {
  '<': (d) => d < 0,
  '<=': (d) => d <= 0,
  '==': (d) => d === 0,
  '!=': (d) => d !== 0,
  '>=': (d) => d >= 0,
  '>': (d) => d > 0,
};

/** Unpacked versions by packed value: a fleet reports few distinct versions. */
const unpacked = new Map<number, number[]>();

function hostParts(packed: number): number[] {
  let parts = unpacked.get(packed);
  if (!parts) {
    if (unpacked.size > 1024) unpacked.clear();
    parts = unpack(packed);
    unpacked.set(packed, parts);
  }
  return parts;
}

/** The first condition the packed host version fails, or null when it satisfies them all. */
export function failedCondition(packed: number, conditions: VersionCondition[]): VersionCondition | null {
  const host = hostParts(packed);
  for (const c of conditions) if (!HOLDS[c.op](compare(host, c.version))) return c;
  return null;
}
