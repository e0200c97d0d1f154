/**
 * Attribution notices: copyright lines, `@author` / `@license` tags, package.json `author`,
 * `contributors` and `maintainers`, AUTHORS / CONTRIBUTORS files and license texts. The names and addresses in them
 * credit the authors, and permissive licenses require the notice to stay with the code (MIT: "The
 * above copyright notice and this permission notice shall be included in all copies").
 */

/** Words that make a line an attribution notice. */
const noticeLine =
  /copyright|\(c\)|©|@author|@license|@contributor|@maintainer|spdx-|"(?:author|contributors|maintainers)"|\b(?:authors?|maintainers?|contributors?)\s*:|\bwritten by\b|\blicen[cs]ed?\b/i

/**
 * Files that are notices as a whole: lists of authors (`AUTHORS`, `CONTRIBUTORS.md`, `MAINTAINERS`,
 * `CREDITS`) and license texts (`LICENSE`, `COPYING`, `NOTICE`, `ThirdPartyNotices.txt`, a bundle's
 * `utilsBundle.js.LICENSE`), whose copyright lines go on with names and addresses on lines of their own.
 */
const noticeFile =
  /(?:^|\/)(?![^/]*\.(?:[cm]?[jt]sx?|json|py|rb|go|rs|java|kt|c|h|cc|cpp|cs|php|swift|sh)$)(?:authors|contributors|maintainers|credits|licen[cs]e|copying|notice|[^/]*thirdpartynotices)(?:[-_.][\w.-]+)?$|\.licen[cs]e(?:\.txt)?$/i

/** Markdown files, and the headings of their sections that credit people (`## Author`, `## Team Members`, `## License`). */
const markdownFile = /\.(?:md|markdown)$/i
const creditHeading = /^#{1,6}[ \t]+.*\b(?:authors?|team|maintainers?|contributors?|credits|licen[cs]e|copyright|acknowledg(?:e)?ments?)\b/i

/** The heading of the Markdown section holding `at` (the nearest `#` line above it), or "". */
const sectionHeading = (content: string, at: number): string => {
  for (let i = content.lastIndexOf("\n#", at); i >= 0; i = content.lastIndexOf("\n#", i - 1)) {
    let end = content.indexOf("\n", i + 1)
    if (end < 0) end = content.length
    const line = content.slice(i + 1, end)
    if (/^#{1,6}[ \t]/.test(line)) return line
  }
  return /^#{1,6}[ \t]/.test(content) ? content.slice(0, content.indexOf("\n") < 0 ? content.length : content.indexOf("\n")) : ""
}

/** package.json keys whose values credit people. */
const creditKey = /"(?:author|authors|contributors|maintainers)"\s*:\s*$/

/**
 * Is `[start, end)` inside a package.json credit (`"contributors": [{ "name": "...", "email": "..." }]`)?
 * Walks back to the unmatched bracket that opens the value, at most two levels and 2,000 characters.
 */
const inCreditValue = (content: string, start: number): boolean => {
  let depth = 0
  let levels = 0
  const stop = Math.max(0, start - 2000)
  for (let i = start - 1; i >= stop; i--) {
    const c = content.charCodeAt(i)
    if (c === 125 || c === 93) depth++
    else if (c === 123 || c === 91) {
      if (depth > 0) {
        depth--
        continue
      }
      if (creditKey.test(content.slice(Math.max(0, i - 40), i))) return true
      if (++levels === 2) return false
    }
  }
  return false
}

/**
 * Is the detection at `[start, end)` part of an attribution notice: its line is a copyright /
 * author / license line, it sits in a package.json credit or in a Markdown section crediting people,
 * or the file is a list of authors or a license text?
 */
export const isAttribution = (content: string, start: number, end: number, path: string | undefined): boolean => {
  if (path !== undefined && noticeFile.test(path)) return true
  if (path !== undefined && markdownFile.test(path) && creditHeading.test(sectionHeading(content, start))) return true
  const lineStart = content.lastIndexOf("\n", start - 1) + 1
  let lineEnd = content.indexOf("\n", end)
  if (lineEnd < 0) lineEnd = content.length
  // Minified and source-map lines are long: the notice words must be near the value.
  const line = content.slice(Math.max(lineStart, start - 160), Math.min(lineEnd, end + 160))
  return noticeLine.test(line) || inCreditValue(content, start)
}
