/** Temporary directories for tests, removed once the test file has run. */
import { afterAll } from "@effect/vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

/**
 * A factory of fresh temporary directories named `<prefix>-<name>-XXXXXX`; call it at the top level of
 * a test file: every directory it made is removed after the file's tests.
 */
export const tmpDirs = (prefix: string): (name: string) => string => {
  const dirs: Array<string> = []
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
  })
  return (name) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-${name}-`))
    dirs.push(dir)
    return dir
  }
}
