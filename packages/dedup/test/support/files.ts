import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

/** A fresh temporary directory (removed by the caller's afterAll when wanted). */
export const tempDir = (prefix = "dedup-"): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix))

/** Write records as JSONL. */
export const writeJsonl = (file: string, records: ReadonlyArray<object>): string => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join("\n") + "\n")
  return file
}

/** Read every JSONL part (sorted) of a directory. */
export const readJsonlDir = (dir: string): Array<Record<string, unknown>> =>
  fs.readdirSync(dir).filter((f) => /^part-.*\.jsonl$/.test(f)).sort().flatMap((f) =>
    fs.readFileSync(path.join(dir, f), "utf8").split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l) as Record<string, unknown>)
  )

const base = `export function parseOptions(input, defaults) {
  const options = Object.assign({}, defaults, input)
  if (typeof options.timeout !== "number") throw new TypeError("timeout must be a number")
  if (options.retries < 0) options.retries = 0
  return options
}
export const version = "1.0.0"
`

/** A small dataset with known duplicates: 0, 1 (exact copy), 2 (near copy), 3 (unrelated), 4 (whitespace variant of 0). */
export const smallDataset = () => [
  { content: base, repo_name: "acme/a", path: "src/options.js", license_type: "no_license", star_events_count: 10 },
  { content: base, repo_name: "acme/b", path: "lib/options.js", license_type: "permissive", star_events_count: 2 },
  { content: base.replace("1.0.0", "1.0.1") + "// patched\n", repo_name: "acme/c", path: "options.js", license_type: "permissive", star_events_count: 50 },
  { content: "def main():\n    print('hello world, this is something else entirely')\n", repo_name: "other/py", path: "main.py" },
  { content: base.replace(/\n/g, "\n\n"), repo_name: "acme/d", path: "options.js" }
]
