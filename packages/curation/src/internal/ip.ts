/**
 * Public-address tests for IPv4 and IPv6 (what Python's `ipaddress.is_global` rejects, plus
 * documentation ranges), and the 14 well-known public DNS servers bigcode keeps
 * (`pii/utils/emails_ip_addresses_detection.py`, reference §5.3).
 */
import { isIPv6 } from "node:net"

/** The public DNS servers that are never redacted (bigcode, reference §5.3). */
export const dnsServers: ReadonlySet<string> = new Set([
  "8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "76.76.19.19", "76.223.122.150", "9.9.9.9", "149.112.112.112",
  "208.67.222.222", "208.67.220.220", "8.26.56.26", "8.20.247.20", "94.140.14.14", "94.140.15.15"
])

/** [first address, prefix length] of the non-global IPv4 ranges (IANA special-purpose registry). */
const private4: ReadonlyArray<readonly [number, number]> = [
  [0x00000000, 8], [0x0a000000, 8], [0x64400000, 10], [0x7f000000, 8], [0xa9fe0000, 16], [0xac100000, 12],
  [0xc0000000, 24], [0xc0000200, 24], [0xc0586300, 24], [0xc0a80000, 16], [0xc6120000, 15], [0xc6336400, 24],
  [0xcb007100, 24], [0xe0000000, 4], [0xf0000000, 4]
]

/** The 32-bit value of a dotted IPv4 address (already validated by the caller's pattern). */
export const ipv4Value = (ip: string): number => {
  let v = 0
  let octet = 0
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i)
    if (c === 46) {
      v = v * 256 + octet
      octet = 0
    } else octet = octet * 10 + (c - 48)
  }
  return v * 256 + octet
}

/** Is this IPv4 address globally routable (not private, loopback, link-local, shared, test, multicast, reserved)? */
export const isPublicIPv4 = (ip: string): boolean => {
  const v = ipv4Value(ip)
  for (const [base, bits] of private4) {
    const size = 2 ** (32 - bits)
    if (v >= base && v < base + size) return false
  }
  return true
}

/**
 * Is this a valid, globally routable IPv6 address? Only global unicast (`2000::/3`) counts, minus
 * documentation (`2001:db8::/32`) and the IETF protocol block (`2001::/23`); private (`fc00::/7`),
 * link-local, loopback, multicast and IPv4-mapped addresses are not public.
 */
export const isPublicIPv6 = (ip: string): boolean => {
  if (!isIPv6(ip)) return false
  const colon = ip.indexOf(":")
  if (colon === 0) return false
  const first = parseInt(ip.slice(0, colon), 16)
  if (first < 0x2000 || first > 0x3fff) return false
  if (first === 0x2001) {
    const rest = ip.slice(colon + 1)
    const secondText = rest.slice(0, rest.indexOf(":") < 0 ? rest.length : rest.indexOf(":"))
    const second = secondText === "" ? 0 : parseInt(secondText, 16)
    if (second === 0x0db8 || second < 0x0200) return false
  }
  return true
}
