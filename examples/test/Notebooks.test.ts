/**
 * Every notebook under examples/notebooks runs headless, top to bottom, in Deno's Jupyter kernel
 * through Debian's `jupyter-nbconvert`; a failing cell fails the test. Locally the test is skipped
 * with a message when Jupyter or the `deno` kernel is missing; with `CI=true` it fails instead
 * (`examples/scripts/install-notebook-deps.sh` installs both).
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "vitest"

const notebooksDir = path.resolve(import.meta.dirname, "../notebooks")
const notebooks = fs.readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb")).sort()
const ci = process.env.CI === "true"

/** Why the notebooks cannot run here, or undefined when Jupyter and the deno kernel are installed. */
const missing = (): string | undefined => {
  const list = spawnSync("jupyter", ["kernelspec", "list", "--json"], { encoding: "utf8" })
  if (list.error !== undefined || list.status !== 0) return "jupyter is not installed"
  const specs = JSON.parse(list.stdout) as { kernelspecs: Record<string, unknown> }
  if (!("deno" in specs.kernelspecs)) return "the deno Jupyter kernel is not registered"
  const nbconvert = spawnSync("jupyter", ["nbconvert", "--version"], { encoding: "utf8" })
  if (nbconvert.error !== undefined || nbconvert.status !== 0) return "jupyter-nbconvert is not installed"
  return undefined
}

const why = missing()
if (why !== undefined && !ci) {
  console.warn(`Notebooks: skipped, ${why} (run examples/scripts/install-notebook-deps.sh as root)`)
}

type Output = {
  readonly output_type: string
  readonly ename?: string
  readonly text?: string | ReadonlyArray<string>
  readonly data?: Record<string, string | ReadonlyArray<string>>
}
type Cell = { readonly cell_type: string; readonly source: string | ReadonlyArray<string>; readonly outputs?: ReadonlyArray<Output> }

/** The outputs a cell's source asks for: one per `await svg(` / `table(` / `print(` / `html(` of `lib/charts.ts`. */
const expectedOutputs = (source: string) => source.match(/\bawait (svg|table|print|html)\(/g)?.length ?? 0

const join = (v: string | ReadonlyArray<string> | undefined) => (v === undefined ? "" : typeof v === "string" ? v : v.join(""))

describe.skipIf(why !== undefined && !ci)("notebooks", () => {
  it("jupyter and the deno kernel are installed", () => {
    expect(why).toBeUndefined()
  })

  it("there are notebooks", () => {
    expect(notebooks.length).toBeGreaterThanOrEqual(4)
  })

  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "pretrain-notebooks-"))

  it.each(notebooks)("%s runs without a failing cell and shows its plots", (name) => {
    const result = spawnSync("jupyter", [
      "nbconvert", "--to", "notebook", "--execute",
      "--ExecutePreprocessor.kernel_name=deno",
      "--ExecutePreprocessor.timeout=120",
      "--output-dir", outDir,
      "--output", name,
      path.join(notebooksDir, name)
    ], { cwd: notebooksDir, encoding: "utf8", env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: "1", NO_COLOR: "1" } })
    if (result.status !== 0) {
      throw new Error(`jupyter nbconvert failed on ${name} (exit ${result.status}):\n${result.stderr.slice(-4000)}`)
    }
    const executed = JSON.parse(fs.readFileSync(path.join(outDir, name), "utf8")) as { cells: ReadonlyArray<Cell> }
    const code = executed.cells.filter((c) => c.cell_type === "code")
    const outputs = code.flatMap((c) => c.outputs ?? [])
    // no output went missing on its way from the kernel (see notebooks/README.md)
    expect(code.map((c) => (c.outputs ?? []).length >= expectedOutputs(join(c.source)))).toEqual(code.map(() => true))
    expect(outputs.filter((o) => o.output_type === "error").map((o) => o.ename)).toEqual([])
    // every notebook draws at least one inline SVG plot
    const svgs = outputs.filter((o) => o.data?.["image/svg+xml"] !== undefined)
    for (const o of svgs) expect(join(o.data!["image/svg+xml"])).toMatch(/^<svg[\s\S]*<\/svg>\s*$/)
    expect(svgs.length).toBeGreaterThan(0)
    // the last cell prints this: a kernel that stops sending outputs midway fails here
    expect(outputs.some((o) => join(o.text ?? o.data?.["text/plain"]).includes("notebook complete"))).toBe(true)
  })

  it("a failing cell fails the run", () => {
    const broken = path.join(outDir, "broken.ipynb")
    fs.writeFileSync(broken, JSON.stringify({
      cells: [{ cell_type: "code", id: "c1", execution_count: null, metadata: {}, outputs: [], source: ["throw new Error(\"this cell fails\")"] }],
      metadata: { kernelspec: { display_name: "Deno", language: "typescript", name: "deno" } },
      nbformat: 4,
      nbformat_minor: 5
    }))
    const result = spawnSync("jupyter", ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=deno", "--output", "broken-out", broken], {
      cwd: outDir, encoding: "utf8", env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: "1" }
    })
    expect(result.status).not.toBe(0)
    expect(result.stderr).toContain("this cell fails")
  })
})

