/**
 * Secret detectors: the token formats each provider documents (AWS, GitHub, GitLab, Slack, Stripe,
 * npm, Google API keys, JWTs, PEM private-key blocks), passwords and high-entropy strings in
 * assignments, with the false-positive guards bigcode applied on top of detect-secrets (reference
 * §5.2): UUIDs, templated and sequential strings, id-like names, checksums next to
 * `sha`/`md5`/`hash`/`byte`, files that mention `sha`/`hash` on more than 2% of their lines.
 */

/**
 * A detector's pattern; `group` is the capture group holding the secret (0: the whole match; a list:
 * the first of them that matched, for patterns with alternative forms).
 */
export interface Detector {
  readonly kind: string
  readonly pattern: RegExp
  readonly group: number | ReadonlyArray<number>
  /** Apply the generic-secret guards (entropy, UUID, templated, sequential, checksum). */
  readonly guarded: boolean
  /**
   * Words one of which every match contains, searched for with every detector's words in one pass
   * before any detector runs ({@link Prescan}); the detector runs only on texts holding one.
   */
  readonly trigger?: { readonly words: ReadonlyArray<string>; readonly anyCase: boolean }
  /**
   * For untriggered detectors: words (any ASCII case) every match contains at most `before`
   * characters after its start. {@link matches} tries the pattern only there, not at every position
   * (a case-insensitive list of keywords is tried at every position of the file).
   */
  readonly anchor?: { readonly words: ReadonlyArray<string>; readonly before: number }
}

const exactly = (...words: ReadonlyArray<string>) => ({ words, anyCase: false })

export const detectors: ReadonlyArray<Detector> = [
  {
    kind: "private_key",
    pattern: /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----\r?\n([\s\S]{16,}?)\r?\n-----END \1-----/g,
    group: 2,
    guarded: false,
    trigger: exactly("-----BEGIN ")
  },
  { kind: "aws_access_key", pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b/g, group: 0, guarded: false, trigger: exactly("AKIA", "ASIA", "ABIA", "ACCA", "A3T") },
  {
    kind: "aws_secret_key",
    pattern: /aws[\w-]{0,20}?(?:secret|key)[\w-]{0,20}["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
    group: 1,
    guarded: false,
    trigger: { words: ["aws"], anyCase: true }
  },
  { kind: "github_token", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{82})\b/g, group: 0, guarded: false, trigger: exactly("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_") },
  { kind: "gitlab_token", pattern: /\bgl(?:pat|ptt|dt|rt)-[A-Za-z0-9_-]{20}(?![A-Za-z0-9_-])/g, group: 0, guarded: false, trigger: exactly("glpat-", "glptt-", "gldt-", "glrt-") },
  {
    kind: "slack_token",
    pattern: /\bxox[abposr]-(?:\d+-)+[A-Za-z0-9]{8,}(?:-[A-Za-z0-9]+)*|https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}/g,
    group: 0,
    guarded: false,
    trigger: exactly("xoxa-", "xoxb-", "xoxp-", "xoxo-", "xoxs-", "xoxr-", "hooks.slack.com")
  },
  { kind: "stripe_key", pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{24,99}\b/g, group: 0, guarded: false, trigger: exactly("k_live_", "k_test_") },
  { kind: "npm_token", pattern: /\bnpm_[A-Za-z0-9]{36}\b|_authToken\s*=\s*([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/g, group: 0, guarded: false, trigger: exactly("npm_", "_authToken") },
  { kind: "google_api_key", pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, group: 0, guarded: false, trigger: exactly("AIza") },
  { kind: "jwt", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, group: 0, guarded: false, trigger: exactly("eyJ") },
  {
    kind: "password",
    // A quoted value assigned to a password-named key (`password = "..."`, `DB_PASSWORD: '...'`,
    // `dbPassword => "..."`, not `passwordHash = ...`), or an unquoted one on a line of its own as in
    // .env, shell and YAML files (`DB_PASSWORD=...`, `  password: ...`; a value ending in `,` `;` or
    // a bracket is code, as in TypeScript's `password: string;`).
    pattern:
      /(?:password|passwd|passwort|\b(?:pwd|pass))(?:\b["']?\s*(?:[:=]|=>)\s*["']([^"'\s]{4,64})["']|(?<=^[ \t]*(?:export[ \t]+)?[A-Za-z0-9_]+)[A-Za-z0-9_]*[ \t]*[:=][ \t]*([^\s"']{3,63}[^\s"',;(){}[\]])[ \t]*(?:#[^\n]*)?\r?$)/gim,
    group: [1, 2],
    guarded: true,
    anchor: { words: ["pass", "pwd"], before: 0 }
  },
  {
    kind: "password",
    // The password of a URL's credentials (`postgres://admin:S3cret@db.host`); the email finder
    // leaves `user:password@host` alone.
    pattern: /:\/\/[^\s:\/@"'`]*:([^\s:\/@"'`]{3,64})(?=@[\w-]+\.[\w-])/g,
    group: 1,
    guarded: true,
    anchor: { words: ["://"], before: 0 }
  },
  {
    kind: "secret",
    // A long value, quoted, assigned to a secret-named key, or unquoted on a line of its own as in
    // .env and shell files (`API_KEY=...`, `export GITHUB_TOKEN=...`).
    pattern:
      /(?:secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth[_-]?key|credentials?|client[_-]?secret|signing[_-]?key)(?:[A-Za-z0-9_-]{0,20}["']?\s*(?:[:=]|=>)\s*["']([A-Za-z0-9+/=_.~-]{16,512})["']|(?<=^[ \t]*(?:export[ \t]+)?[A-Za-z0-9_-]+)[A-Za-z0-9_]*[ \t]*=[ \t]*([A-Za-z0-9+/=_.~-]{16,512})[ \t]*(?:#[^\n]*)?\r?$)/gim,
    group: [1, 2],
    guarded: true,
    // Every keyword above holds one of these words, at most 8 characters in (`private_key`).
    anchor: { words: ["secret", "token", "key", "credential"], before: 8 }
  }
]

const sticky = detectors.map((d) => new RegExp(d.pattern.source, d.pattern.flags.replace("g", "") + "y"))

/**
 * Every match of detector `k`'s pattern, in order: the same leftmost, non-overlapping matches as
 * `pattern.exec` in a loop. With an anchor, the pattern is tried (sticky) only at the positions a
 * match can start from: up to `before` characters before each anchor word (`starts`, ascending, from
 * the {@link Prescan}).
 */
export const matches = (k: number, content: string, starts: ReadonlyArray<number>, found: (m: RegExpExecArray) => void): void => {
  const anchor = detectors[k]!.anchor
  let m: RegExpExecArray | null
  if (anchor === undefined) {
    const pattern = detectors[k]!.pattern
    pattern.lastIndex = 0
    while ((m = pattern.exec(content)) !== null) found(m)
    return
  }
  const re = sticky[k]!
  let next = 0
  for (let w = 0; w < starts.length; w++) {
    const word = starts[w]!
    for (let at = Math.max(next, word - anchor.before); at <= word; at++) {
      re.lastIndex = at
      m = re.exec(content)
      next = at + 1
      if (m === null) continue
      next = at + m[0].length
      found(m)
      break
    }
  }
}

/** The line of `content` holding `[start, end)`. */
export const lineAround = (content: string, start: number, end: number): string => {
  const a = content.lastIndexOf("\n", start - 1) + 1
  let b = content.indexOf("\n", end)
  if (b < 0) b = content.length
  return content.slice(a, b)
}

/** Shannon entropy in bits per character. */
export const entropy = (s: string): number => {
  const counts = new Map<number, number>()
  for (let i = 0; i < s.length; i++) counts.set(s.charCodeAt(i), (counts.get(s.charCodeAt(i)) ?? 0) + 1)
  let h = 0
  for (const n of counts.values()) {
    const p = n / s.length
    h -= p * Math.log2(p)
  }
  return h
}

const uuid = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i
// `[REDACTED]`, `[hidden]`: a value already masked.
const templated = /\{\{|\}\}|\$\{|\$[A-Z_]{2,}|<[\w-]+>|%[sd](?![A-Za-z0-9])|%\(\w+\)[sd]|^\{[\w.-]+\}$|^\[[\w -]+\]$|^\*+$|^x+$|^\.+$/
const hex = /^[0-9a-fA-F]+$/
const sequences = ["abcdefghijklmnopqrstuvwxyz", "0123456789", "zyxwvutsrqponmlkjihgfedcba", "9876543210", "qwertyuiop", "asdfghjkl"]
const placeholderWords = /^(?:password|passwd|changeme|change_me|secret|example|sample|test|testing|dummy|placeholder|your[_-]?\w*|my[_-]?\w*|null|undefined|none|true|false|required|string|optional|process\.env\.\w+|env\.\w+)$/i
const checksumWords = /sha|md5|hash|byte|checksum|integrity|digest/i

/** Is this string a run of a keyboard or alphabet sequence (`abcdef...`, `0123...`, `qwerty...`)? */
export const isSequential = (s: string): boolean => {
  const lower = s.toLowerCase().replace(/[^a-z0-9]/g, "")
  if (lower.length < 8) return false
  if (new Set(lower).size <= 2) return true
  return sequences.some((seq) => seq.includes(lower.slice(0, 8)) || (seq + seq).includes(lower))
}

/** What bigcode's guards say about a generic secret candidate (`undefined`: keep it as a secret). */
export const guardReason = (
  value: string,
  kind: string,
  line: string,
  keyName: string,
  fileMentionsHashes: boolean
): string | undefined => {
  if (uuid.test(value)) return "uuid"
  if (templated.test(value)) return "templated"
  if (isSequential(value)) return "sequential"
  if (placeholderWords.test(value)) return "placeholder"
  if (/(?:^|[_-])id$|Id$|ID$/.test(keyName)) return "id"
  if ((value.length === 32 || value.length === 40 || value.length === 64) && checksumWords.test(line.replace(value, " "))) return "checksum"
  if (kind === "password") {
    // A password must look like one: a letter and a digit or symbol, not a word or a code identifier.
    if (!/[A-Za-z]/.test(value) || !/[^A-Za-z]/.test(value)) return "not-password-like"
    if (/^[A-Za-z_$][\w$]*\.[\w$.]+$/.test(value)) return "identifier"
    if (/^(?:[~.]?\/|[A-Za-z]:\\)/.test(value)) return "path"
    return undefined
  }
  if (fileMentionsHashes) return "hash-file"
  if (/^[A-Za-z_$][\w$]*(?:\.[\w$]+)*$/.test(value) && !/\d/.test(value)) return "identifier"
  if (/^[a-z]+(?:[-_.][a-z]+)+$/.test(value)) return "identifier"
  const h = entropy(value)
  if (hex.test(value)) return h > 3.0 ? undefined : "low-entropy"
  // detect-secrets' Base64HighEntropyString limit is 4.5 bits per character.
  if (h <= 4.5) return "low-entropy"
  const classes = (/[a-z]/.test(value) ? 1 : 0) + (/[A-Z]/.test(value) ? 1 : 0) + (/\d/.test(value) ? 1 : 0)
  return classes >= 2 ? undefined : "single-class"
}

/**
 * Does more than `fraction` of the file's lines mention `sha` or `hash` (bigcode's file-level
 * guard)? As words (`sha1`, `SHA-256`, `hash`, `hashes`, `md5`), not substrings: `shape`, `share`,
 * `shadow` and `hashCode` are everywhere in code and would disable secret detection in most files.
 */
export const mentionsHashes = (content: string, fraction: number): boolean => {
  let lines = 1
  for (let i = content.indexOf("\n"); i >= 0; i = content.indexOf("\n", i + 1)) lines++
  let hits = 0
  const re = /^.*\b(?:sha(?:1|224|256|384|512)?|sha-\d+|md5|hash(?:es)?)\b.*$/gim
  while (re.exec(content) !== null) hits++
  return hits > fraction * lines
}
