import * as fs from "node:fs"
import * as zlib from "node:zlib"
import { humanEvalFile, packageFile } from "./corpus.ts"

const solution = (JSON.parse(zlib.gunzipSync(fs.readFileSync(humanEvalFile)).toString("utf8").split("\n")[12]!) as { canonical_solution: string }).canonical_solution

/** A small dataset: real files and planted problems, one per rule family. */
export const sampleDocs = () => [
  { ...packageFile("tslib", "tslib.js"), license_type: "permissive" },
  { ...packageFile("caniuse-lite", "data/features/calc.js"), license_type: "permissive" },
  { ...packageFile("effect", "dist/Effect.js"), license_type: "permissive" },
  { ...packageFile("lightningcss", "node/index.mjs"), detected_licenses: ["MPL-2.0"] },
  { repo_name: "octocat/private", path: "src/main.py", content: "print('hello world from a repository that opted out')\n" },
  { repo_name: "someone/solutions", path: "sol.py", content: `def f(a, b):\n${solution}\n`, license_type: "permissive" },
  { repo_name: "acme/api", path: "src/config.js", content: `export const key = "AKIAIOSFODNN7EXAMPLE"\nexport const admin = "jane.doe@acme-corp.io"\nexport const upstream = "52.14.1.9"\n`, license_type: "no_license" },
  { repo_name: "acme/api", path: "src/data.map", content: "{}" }
]

