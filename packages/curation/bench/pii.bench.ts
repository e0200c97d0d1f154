/**
 * PII quality on the workspace's node_modules: recall of values planted into real source files, and
 * detections per MB on the same files unmodified, under both attribution policies.
 *
 *   cd packages/curation && npx node bench/pii.bench.ts [node_modules dir]
 *
 * Three sets of files: the source files values are planted into (JS/TS under 200,000 characters),
 * every code file, and metadata / license / docs files (package.json, *LICENSE*, COPYING*, NOTICE*,
 * AUTHORS*, CONTRIBUTORS*, *.md, *.markdown), which credit their authors on purpose. Every detection
 * is a false positive, an attribution notice or a leak (rule below). Goal: false positives + leaks
 * under 1 per MB. Attribution notices credit their authors on purpose (neither mistaken nor leaked)
 * and are counted apart, with what is redacted under `attribution: "redact"` (the StarCoder2
 * default: every detection) and `attribution: "keep"` (detections outside notices); with samples.
 */
import * as fs from "node:fs"
import * as Pii from "../src/Pii.ts"
import { makers, plantInto, rng } from "../test/support/corpus.ts"
import { type CorpusFile, ingest, isPlantHost, nodeModulesArg, readCorpus } from "./corpus.ts"

const { work, corpus } = await ingest(nodeModulesArg(process.argv.slice(2)))
const files = readCorpus(corpus)

// Classification rule (documented in the README), applied to every detection on its line (at most
// 80 characters either side):
// - false positive: the value (emails) or its line (other kinds) says it is an example: `example`,
//   `sample`, `dummy`, `fake`, `placeholder`, `your`, `foo`/`bar`, `acme`, `test`, `e.g.`, or an IP made
//   of one repeated octet / group; an email whose local part has no letter or whose domain is not word
//   labels with a 2-24 letter TLD (packed strings, fragments); a name with a common non-name word
//   (list below); an IP on a line documenting an API call (`lookup`, `resolve`, `reverse`, `dns.`);
//   keys, secrets and passwords in *.md files (documentation examples);
// - attribution: otherwise, when the detector marks the span as part of an attribution notice
//   (copyright / `@author` / license line, package.json credit, AUTHORS file);
// - leak: everything else.
type Verdict = "false positive" | "attribution" | "leak"
const verdicts: ReadonlyArray<Verdict> = ["false positive", "attribution", "leak"]
const metadataFile =
  /(?:^|\/)(?:package\.json|[^/]*licen[cs]e[^/]*|copying[^/]*|notice[^/]*|[^/]*thirdpartynotices[^/]*|authors[^/]*|contributors[^/]*|[^/]*\.md|[^/]*\.markdown)$/i
const placeholderLine = /example|sample|dummy|fake|placeholder|\byour|\bfoo\b|\bbar\b|acme|\btest|e\.g\./i
const realEmail = /^[^@]*[A-Za-z][^@]*@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}$/
const notNames = new Set(["Use", "Get", "Set", "New", "Data", "File", "Files", "Version", "Read", "Copy", "See", "Note", "Type", "Value", "Error", "Object", "String", "Array", "Function", "Module", "Test", "Tests", "Build", "Run", "Add", "Update", "Fix", "Make", "Create", "Support", "Default", "Options", "Config", "Server", "Client", "User", "Users", "Name", "Date", "Time"])
const isFalsePositive = (s: Pii.Span, line: string, file: string): boolean => {
  if (placeholderLine.test(s.value) || (s.kind === "ip_address" && /^(\d+)(?:\.\1){3}$|^(\w+)(?::\2){3,}/.test(s.value))) return true
  switch (s.kind) {
    case "email":
      return !realEmail.test(s.value)
    case "name":
      return s.value.split(" ").some((w) => notNames.has(w))
    case "ip_address":
      return /lookup|resolve|reverse|dns\./i.test(line) || placeholderLine.test(line)
    default:
      return /\.(?:md|markdown)$/i.test(file) || placeholderLine.test(line)
  }
}
const classify = (s: Pii.Span, content: string, file: string): Verdict => {
  const lineStart = Math.max(content.lastIndexOf("\n", s.start - 1) + 1, s.start - 80)
  const lineEnd = content.indexOf("\n", s.end)
  const line = content.slice(lineStart, Math.min(lineEnd < 0 ? content.length : lineEnd, s.end + 80))
  return isFalsePositive(s, line, file) ? "false positive" : s.attribution ? "attribution" : "leak"
}

interface Tally {
  bytes: number
  /** False positives inside attribution notices: kept under `attribution: "keep"`. */
  inNotices: number
  /** kind → verdict → "repo/path: value" */
  readonly found: Map<string, Record<Verdict, Array<string>>>
}
const sets: Record<string, { readonly label: string; readonly member: (f: CorpusFile) => boolean; readonly tally: Tally }> = {
  planted: { label: "source files values are planted into (JS/TS)", member: isPlantHost, tally: { bytes: 0, inNotices: 0, found: new Map() } },
  code: { label: "code files", member: (f) => !metadataFile.test(f.path), tally: { bytes: 0, inNotices: 0, found: new Map() } },
  metadata: { label: "metadata / license / docs files", member: (f) => metadataFile.test(f.path), tally: { bytes: 0, inNotices: 0, found: new Map() } },
  all: { label: "all files", member: () => true, tally: { bytes: 0, inNotices: 0, found: new Map() } }
}
for (const f of files) {
  const spans = Pii.detect(f.content, Pii.defaults, f.path)
  const classified = spans.map((s) => [s, classify(s, f.content, f.path)] as const)
  for (const set of Object.values(sets)) {
    if (!set.member(f)) continue
    set.tally.bytes += Buffer.byteLength(f.content)
    for (const [s, verdict] of classified) {
      let k = set.tally.found.get(s.kind)
      if (k === undefined) set.tally.found.set(s.kind, k = { "false positive": [], attribution: [], leak: [] })
      if (verdict === "false positive" && s.attribution) set.tally.inNotices++
      k[verdict].push(`${f.repo}/${f.path}: ${s.value.split("\n")[0]!.slice(0, 50)}`)
    }
  }
}

const perMB = (n: number, bytes: number) => (n / (bytes / 1e6)).toFixed(2)
const total = (t: Tally, v: Verdict) => [...t.found.values()].reduce((s, k) => s + k[v].length, 0)
console.log("\nPII detections per MB on the unmodified files. Goal: false positives + leaks below 1 per MB.")
console.log("  Attribution notices (names and addresses their owners publish as credit: copyright and @author lines, package.json")
console.log("  credits, AUTHORS and license files) are neither, and are counted apart: the default (StarCoder2) redacts them too,")
console.log("  `attribution: \"keep\"` leaves them.")
for (const { label, tally } of Object.values(sets)) {
  const [fp, attr, leak] = verdicts.map((v) => total(tally, v))
  console.log(
    `  ${label} (${(tally.bytes / 1e6).toFixed(1)} MB): false positives + leaks ${perMB(fp! + leak!, tally.bytes)}/MB ` +
      `(${perMB(fp!, tally.bytes)} + ${perMB(leak!, tally.bytes)}; ${fp} + ${leak}); attribution notices ${perMB(attr!, tally.bytes)}/MB (${attr}); ` +
      `redacted: default ${perMB(fp! + attr! + leak!, tally.bytes)}/MB, keep ${perMB(fp! - tally.inNotices + leak!, tally.bytes)}/MB`
  )
}
for (const [name, { label, tally }] of Object.entries(sets)) {
  if (name === "planted" || name === "all") continue
  console.log(`\n  per kind, ${label}, per MB (false positive / attribution / leak), with samples:`)
  for (const [kind, k] of [...tally.found].sort((a, b) => b[1].leak.length - a[1].leak.length)) {
    console.log(`  ${kind.padEnd(12)} ${verdicts.map((v) => perMB(k[v].length, tally.bytes)).join(" / ")}   (${verdicts.map((v) => k[v].length).join(" + ")})`)
    for (const v of verdicts) {
      const list = [...new Set(k[v])]
      const n = v === "attribution" ? 3 : 8
      const sample = list.filter((_, i) => i % Math.max(1, Math.floor(list.length / n)) === 0).slice(0, n)
      if (sample.length > 0) console.log(`      ${v}: ${sample.join("; ")}`)
    }
  }
}

// Recall per PII kind: known values planted into the same source files.
const sources = files.filter(isPlantHost).map((f) => f.content)
const plants = 200
const next = rng(2024)
const recall: Array<string> = []
for (const [name, make] of Object.entries(makers)) {
  let hit = 0
  for (let t = 0; t < plants; t++) {
    const plant = make(next)
    const planted = plantInto(sources[Math.floor(next() * sources.length)]!, plant, next)
    if (Pii.detect(planted.content).some((s) => s.kind === plant.kind && s.start <= planted.at && s.end >= planted.at + plant.value.length)) hit++
  }
  recall.push(`${name} ${(hit / plants).toFixed(3)}`)
}
console.log(`\nPII recall, ${plants} plants per kind into ${sources.length} real JS/TS files: ${recall.join(", ")}`)
fs.rmSync(work, { recursive: true, force: true })
