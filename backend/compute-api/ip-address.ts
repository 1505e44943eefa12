// An access IPv6 address as Nova stores it (its IPAddress column type writes the compact
// form): lower case, the longest run of zero groups as "::", an embedded IPv4 tail in hex
// except for the IPv4-mapped ::ffff:a.b.c.d. Pure; table-tested.

/** The compact form of a valid IPv6 address (validate first: the schema's ipv6 format). */
export function shortIPv6(addr: string): string {
  const host = new URL(`http://[${addr}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (!mapped) return host;
  const [hi, lo] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
  return `::ffff:${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}
