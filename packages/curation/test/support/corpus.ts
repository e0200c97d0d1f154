/**
 * Real source files from the workspace's node_modules for tests and benchmarks (present wherever
 * `npm ci` ran), and the planting of known PII into them.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { onTestFinished } from "vitest"
import { random } from "../../src/internal/hash.ts"

export const repoRoot = path.resolve(import.meta.dirname, "../../../..")
export const nodeModules = path.join(repoRoot, "node_modules")
export const humanEvalFile = path.resolve(repoRoot, "../shared/data/HumanEval.jsonl.gz")

/** A file of an installed package as a Doc: `repo_name` the package, `path` inside it. */
export const packageFile = (pkg: string, file: string) => ({
  repo_name: pkg,
  path: file,
  content: fs.readFileSync(path.join(nodeModules, pkg, file), "utf8")
})

/** Up to `limit` files with one of `extensions` under a package directory, sorted, as Docs. */
export const packageFiles = (pkg: string, dir: string, extensions: ReadonlyArray<string>, limit: number) => {
  const root = path.join(nodeModules, pkg)
  const out: Array<{ repo_name: string; path: string; content: string }> = []
  const walk = (rel: string) => {
    const entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))
    for (const e of entries) {
      if (out.length >= limit) return
      const r = rel === "" ? e.name : `${rel}/${e.name}`
      if (e.isDirectory()) walk(r)
      else if (extensions.some((x) => e.name.endsWith(x))) out.push({ repo_name: pkg, path: r, content: fs.readFileSync(path.join(root, r), "utf8") })
    }
  }
  walk(dir)
  return out
}

/** A seeded generator of uniform numbers in [0, 1) (the package's own). */
export const rng = random

const pick = (next: () => number, chars: string, n: number) => {
  let s = ""
  for (let i = 0; i < n; i++) s += chars[Math.floor(next() * chars.length)]
  return s
}
const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
const upperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
const b64 = `${alnum}+/`
const b64url = `${alnum}-_`
const lower = "abcdefghijklmnopqrstuvwxyz"
const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

/** One planted value: the kind the detector must report, the value, and the line that carries it. */
export interface Plant {
  readonly kind: string
  readonly value: string
  readonly line: string
}

/** Public IPv4 outside every special range, with at least one octet over 31. */
const publicIPv4 = (next: () => number): string => {
  const firsts = [3, 13, 18, 23, 34, 35, 40, 44, 45, 52, 54, 64, 66, 69, 80, 81, 82, 85, 88, 91, 95, 104, 130, 138, 141, 151, 157, 185, 193, 212, 217]
  const o = () => 32 + Math.floor(next() * 220)
  return `${firsts[Math.floor(next() * firsts.length)]}.${o()}.${o()}.${1 + Math.floor(next() * 250)}`
}

/** Values and carrier lines for every kind, as they appear in real code and config. */
export const makers: Record<string, (next: () => number) => Plant> = {
  email: (n) => {
    const v = `${pick(n, lower, 5)}.${pick(n, lower, 6)}@${pick(n, lower, 7)}.${["com", "io", "de", "org", "net"][Math.floor(n() * 5)]}`
    return { kind: "email", value: v, line: `// Maintainer: ${pick(n, lower, 4)} <${v}>` }
  },
  ipv4: (n) => {
    const v = publicIPv4(n)
    return { kind: "ip_address", value: v, line: `const upstream = "${v}"` }
  },
  ipv6: (n) => {
    const g = () => pick(n, "0123456789abcdef", 4)
    const v = `2a0${Math.floor(n() * 9) + 1}:${g()}:${g()}:${g()}:${g()}:${g()}:${g()}:${g()}`
    return { kind: "ip_address", value: v, line: `const host = '${v}'` }
  },
  aws_access_key: (n) => {
    const v = `AKIA${pick(n, upperDigits, 16)}`
    return { kind: "aws_access_key", value: v, line: `const accessKeyId = "${v}"` }
  },
  aws_secret_key: (n) => {
    const v = pick(n, b64, 40)
    return { kind: "aws_secret_key", value: v, line: `aws_secret_access_key = "${v}"` }
  },
  github_token: (n) => {
    const v = `ghp_${pick(n, alnum, 36)}`
    return { kind: "github_token", value: v, line: `const token = process.env.GH_TOKEN || "${v}"` }
  },
  gitlab_token: (n) => {
    const v = `glpat-${pick(n, b64url, 20)}`
    return { kind: "gitlab_token", value: v, line: `headers["PRIVATE-TOKEN"] = "${v}"` }
  },
  slack_token: (n) => {
    const v = `xoxb-${pick(n, "0123456789", 11)}-${pick(n, "0123456789", 12)}-${pick(n, alnum, 24)}`
    return { kind: "slack_token", value: v, line: `const slack = new WebClient("${v}")` }
  },
  stripe_key: (n) => {
    const v = `sk_live_${pick(n, alnum, 24)}`
    return { kind: "stripe_key", value: v, line: `const stripe = require("stripe")("${v}")` }
  },
  npm_token: (n) => {
    const v = `npm_${pick(n, alnum, 36)}`
    return { kind: "npm_token", value: v, line: `// //registry.npmjs.org/:_authToken=${v}` }
  },
  google_api_key: (n) => {
    const v = `AIza${pick(n, b64url, 35)}`
    return { kind: "google_api_key", value: v, line: `const mapsKey = "${v}";` }
  },
  jwt: (n) => {
    const v = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ${pick(n, b64url, 40)}.${pick(n, b64url, 43)}`
    return { kind: "jwt", value: v, line: `const authorization = "Bearer ${v}"` }
  },
  private_key: (n) => {
    const body = Array.from({ length: 6 }, () => pick(n, b64, 64)).join("\n")
    return { kind: "private_key", value: body, line: `const pem = \`-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\`` }
  },
  password: (n) => {
    const v = `${pick(n, alnum, 6)}${pick(n, "0123456789", 2)}${pick(n, "!#%&*+-", 1)}${pick(n, alnum, 3)}`
    const lines = [`  password: "${v}",`, `const dbPassword = '${v}'`, `DB_PASSWORD=${v}`, `  password: ${v}`, `const db = "postgres://app:${v}@db.internal.io:5432/app"`]
    return { kind: "password", value: v, line: lines[Math.floor(n() * lines.length)]! }
  },
  name: (n) => {
    const word = () => upper[Math.floor(n() * 26)] + pick(n, lower, 3 + Math.floor(n() * 5))
    const v = `${word()} ${word()}`
    const lines = [`// Copyright (c) 2021 ${v}`, ` * @author ${v}`, `  "author": "${v} <someone@host.io>",`, `# Maintainer: ${v}`]
    return { kind: "name", value: v, line: lines[Math.floor(n() * lines.length)]! }
  },
  secret: (n) => {
    const v = pick(n, b64, 40)
    const lines = [`const clientSecret = "${v}"`, `export API_TOKEN=${v}`, `  "accessKey": "${v}",`]
    return { kind: "secret", value: v, line: lines[Math.floor(n() * lines.length)]! }
  }
}

/** The file with the plant's line inserted at a random line boundary. */
export const plantInto = (content: string, plant: Plant, next: () => number): { content: string; at: number } => {
  const lines = content.split("\n")
  const i = Math.floor(next() * (lines.length + 1))
  const before = lines.slice(0, i).join("\n")
  const text = [...lines.slice(0, i), plant.line, ...lines.slice(i)].join("\n")
  return { content: text, at: (i === 0 ? 0 : before.length + 1) + plant.line.indexOf(plant.value) }
}

/** Re-indent (tabs, 2 or 8 spaces) and re-space (around operators and commas) a text. */
export const respace = (text: string, variant: number) =>
  text.split("\n").map((line) => {
    const body = line.trimStart()
    const depth = (line.length - body.length) / 4
    const indent = ["\t", "  ", "        "][variant % 3]!.repeat(Math.max(0, Math.round(depth)))
    return indent + (variant % 2 === 0 ? body.replace(/ ?([=+\-*<>,]) ?/g, "$1") : body.replace(/([,(])/g, "$1 "))
  }).join("\n")

/** A text inserted at a random line boundary of a host file. */
export const plantText = (host: string, text: string, next: () => number) => {
  const lines = host.split("\n")
  const at = Math.floor(next() * lines.length)
  return [...lines.slice(0, at), text, ...lines.slice(at)].join("\n")
}


/** A fresh temporary directory, removed when the current test finishes. */
export const tempDir = (prefix: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}
