/**
 * Repository URLs from package manifests (`repository` as a string or `{ type, url, directory }`),
 * normalised to a browsable `https://` URL.
 */

const shorthandHosts: Record<string, string> = {
  github: "github.com",
  gitlab: "gitlab.com",
  bitbucket: "bitbucket.org"
}

const knownHosts = new Set(["github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "sr.ht", "git.sr.ht"])

/**
 * A repository field as an `https://host/owner/name` URL: `git+`, `.git`, credentials, fragments
 * and queries removed, `git://`, `ssh://` and scp-like `git@host:owner/name` turned into `https://`,
 * npm shorthands (`owner/name`, `github:owner/name`, `gitlab:`, `bitbucket:`, `gist:`) expanded,
 * and GitHub URLs cut to `owner/name` (`/tree/main/packages/x` dropped). `null` when there is none.
 */
export const normalizeRepositoryUrl = (repository: unknown): string | null => {
  let raw: unknown = repository
  if (typeof raw === "object" && raw !== null) raw = (raw as { url?: unknown }).url
  if (typeof raw !== "string") return null
  let s = raw.trim()
  if (s === "") return null

  const shorthand = /^(github|gitlab|bitbucket|gist):(.+)$/i.exec(s)
  if (shorthand !== null) {
    const kind = shorthand[1]!.toLowerCase()
    const rest = shorthand[2]!.replace(/^\/+/, "")
    s = kind === "gist" ? `https://gist.github.com/${rest}` : `https://${shorthandHosts[kind]}/${rest}`
  } else if (/^[\w.-]+\/[\w.-]+$/.test(s) && !s.startsWith(".")) {
    s = `https://github.com/${s}` // npm's `owner/name` shorthand
  }
  s = s.replace(/^git\+/i, "")
  // scp-like syntax: [user@]host:path (no scheme)
  const scp = /^(?:[^@/\s]+@)?([\w.-]+\.[a-z]{2,}):(?!\/\/)\/?(.+)$/i.exec(s)
  if (scp !== null) s = `https://${scp[1]}/${scp[2]}`

  const url = /^([a-z][\w+.-]*):\/\/(?:[^@/]*@)?([^/?#:]+)(?::\d+)?([^?#]*)/i.exec(s)
  if (url === null) return null
  const scheme = url[1]!.toLowerCase()
  const host = url[2]!.toLowerCase().replace(/^www\./, "")
  let path = url[3]!.replace(/\/+$/, "").replace(/\.git$/i, "").replace(/\/+$/, "")
  if (host === "github.com") {
    const parts = path.split("/").filter((p) => p !== "")
    if (parts.length >= 2) path = `/${parts[0]}/${parts[1]}`
  }
  const protocol = scheme === "http" && !knownHosts.has(host) ? "http" : "https"
  if (host === "") return null
  return `${protocol}://${host}${path}`
}
