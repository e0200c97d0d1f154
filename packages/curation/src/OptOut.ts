/**
 * The opt-out list (The Stack's "Am I in The Stack": 1,561 repositories were removed for StarCoder2,
 * paper §3.5): `owner/name` removes that repository's files, a bare `owner` every repository of that
 * user or organisation. One entry per line; blank lines and `#` comments are ignored; matching is
 * case-insensitive, as GitHub names are.
 *
 * ```ts
 * const list = OptOut.parse("octocat\nacme/secret-sauce\n")
 * OptOut.check({ content: "", repo_name: "Octocat/hello" }, list) // "opt-out"
 * ```
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import { OptOutError } from "./Errors.ts"
import type { FileLike, Verdict } from "./Rule.ts"

/** @since 0.1.0 @category models */
export interface OptOutList {
  readonly repositories: ReadonlySet<string>
  readonly owners: ReadonlySet<string>
}

/** Drop reason. @since 0.1.0 @category constants */
export const reason = "opt-out"

/** An empty list. @since 0.1.0 @category constants */
export const empty: OptOutList = { repositories: new Set(), owners: new Set() }

const entry = /^[A-Za-z0-9_.@-]+(?:\/[A-Za-z0-9_.-]+)?$/

/**
 * Parse a list; throws {@link OptOutError} naming the line of an entry that is not `owner` or
 * `owner/name` (a GitHub URL is accepted and reduced to that).
 *
 * @since 0.1.0 @category constructors
 */
export const parse = (text: string, file = "(opt-out list)"): OptOutList => {
  const repositories = new Set<string>()
  const owners = new Set<string>()
  const lines = text.split("\n")
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/#.*$/, "").trim()
    if (line === "") continue
    line = line.replace(/^https?:\/\/(?:www\.)?github\.com\//i, "").replace(/\.git$/, "").replace(/\/+$/, "")
    if (!entry.test(line)) throw new OptOutError({ file, line: i + 1, reason: `not "owner" or "owner/name": ${JSON.stringify(lines[i])}` })
    ;(line.includes("/") ? repositories : owners).add(line.toLowerCase())
  }
  return { repositories, owners }
}

/** Read and parse a list file. @since 0.1.0 @category constructors */
export const load = (file: string): OptOutList => {
  let text: string
  try {
    text = fs.readFileSync(file, "utf8")
  } catch (e) {
    throw new OptOutError({ file, reason: `cannot read: ${(e as Error).message}` })
  }
  return parse(text, file)
}

/** @since 0.1.0 @category rules */
export const check = (file: FileLike, list: OptOutList): Verdict => {
  const repo = file.repo_name
  if (typeof repo !== "string" || repo === "") return true
  const lower = repo.toLowerCase()
  if (list.repositories.has(lower)) return reason
  const slash = lower.indexOf("/")
  return slash > 0 && list.owners.has(lower.slice(0, slash)) ? reason : list.owners.has(lower) && slash < 0 ? reason : true
}
