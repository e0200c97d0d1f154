/**
 * Realistic replacement values for the `random` redaction policy: bigcode's replacement IPs
 * (reference §5.3), `xxxxx@example.com` addresses, made-up names, and keys with the same length,
 * prefix and character classes as the original but random characters.
 */

/** bigcode's replacement IPs (reference §5.3). */
const ipv4Replacements = ["172.16.31.10", "172.16.58.3", "172.16.17.32", "192.168.127.12", "192.168.3.11"]
const ipv6Replacements = [
  "fd00:c2b6:b24b:be67:2827:688d:e6a1:6a3b", "fd00:a516:7c1b:17cd:6d81:2137:bd2a:2c5b", "fc00:e968:6179::de52:7100",
  "fc00:db20:35b:7399::5", "fdf8:f53e:61e4::18"
]
const firstNames = ["Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Robin", "Jamie", "Avery", "Riley"]
const lastNames = ["Smith", "Garcia", "Chen", "Müller", "Rossi", "Kowalski", "Silva", "Novak", "Tanaka", "Okafor"]
const lowerChars = "abcdefghijklmnopqrstuvwxyz"
const upperChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
const digitChars = "0123456789"
/** Prefixes that say what a key is; a realistic replacement keeps them. */
const keepPrefix = /^(?:AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|gl(?:pat|ptt|dt|rt)-|xox[abposr]-|https:\/\/hooks\.slack\.com\/services\/|(?:sk|rk)_(?:live|test)_|npm_|AIza|eyJ)/

/** The same shape with random characters: letters stay letters (same case), digits digits, the rest kept. */
const reshape = (value: string, next: () => number, from: number): string => {
  let out = value.slice(0, from)
  for (let i = from; i < value.length; i++) {
    const c = value.charCodeAt(i)
    const pool = c >= 97 && c <= 122 ? lowerChars : c >= 65 && c <= 90 ? upperChars : c >= 48 && c <= 57 ? digitChars : undefined
    out += pool === undefined ? value[i] : pool[Math.floor(next() * pool.length)]
  }
  return out
}

/** A replacement for a value of this kind, drawn with `next`. */
export const randomReplacement = (kind: string, value: string, next: () => number): string => {
  switch (kind) {
    case "email": {
      let local = ""
      const n = 5 + Math.floor(next() * 6)
      for (let i = 0; i < n; i++) local += lowerChars[Math.floor(next() * 26)]
      return `${local}@example.com`
    }
    case "ip_address": {
      const list = value.includes(":") ? ipv6Replacements : ipv4Replacements
      return list[Math.floor(next() * list.length)]!
    }
    case "name":
      return `${firstNames[Math.floor(next() * firstNames.length)]} ${lastNames[Math.floor(next() * lastNames.length)]}`
    default: {
      const prefix = keepPrefix.exec(value)
      return reshape(value, next, prefix === null ? 0 : prefix[0].length)
    }
  }
}

