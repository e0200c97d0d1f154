import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { pipe } from "effect/Function"
import * as path from "node:path"
import { Parquet, StackColumns } from "../src/index.ts"
import { duckRun as duck } from "./support/duckdb.ts"
import { tmpDirs } from "./support/tmp.ts"

const tmp = tmpDirs("pq")

const readAll = (input: string, options: Parquet.SourceOptions = {}) =>
  Stream.runCollect(Parquet.source<Record<string, unknown>>(input, options).read({ rank: 0, world: 1 }))

/** Two rows in The Stack v1 layout (a subset of its columns, with its types). */
const stackV1 = (file: string) =>
  duck(`COPY (
    SELECT * FROM (VALUES
      ('3b18e512dba79e4c8300dd08aeb37f8e728b8dad', 12, 'py', 'Python', 'a/b.py', 'owner/repo',
       'ce1e5d1b2b1c', ['MIT', 'Apache-2.0'], 5::BIGINT, '2020-06-07T17:30:05.000Z', 'x/b.py', 'owner/issues',
       NULL::BIGINT, 2::BIGINT, 'print(1)' || chr(10), 4.5, 9::BIGINT, 0.75),
      ('0000000000000000000000000000000000000001', 3, 'js', 'JavaScript', 'c.js', 'other/repo',
       'ab12', []::VARCHAR[], NULL::BIGINT, NULL, 'c.js', 'other/repo', 1::BIGINT, NULL::BIGINT, 'x;', 2.0, 2::BIGINT, 0.5)
    ) v(hexsha, size, ext, lang, max_stars_repo_path, max_stars_repo_name, max_stars_repo_head_hexsha,
        max_stars_repo_licenses, max_stars_count, max_stars_repo_stars_event_min_datetime, max_issues_repo_path,
        max_issues_repo_name, max_issues_count, max_forks_count, content, avg_line_length, max_line_length,
        alphanum_fraction)
  ) TO '${file}' (FORMAT parquet, COMPRESSION zstd)`)

describe("StackColumns", () => {
  it.effect("stack-v1 maps The Stack v1 columns to Doc fields; other columns pass through", () =>
    Effect.gen(function*() {
      const file = path.join(tmp("v1"), "train-00000.parquet")
      yield* stackV1(file)
      const [first, second] = yield* readAll(file, { mapping: "stack-v1" })
      assert.deepStrictEqual(first, {
        blob_id: "3b18e512dba79e4c8300dd08aeb37f8e728b8dad",
        length_bytes: 12,
        extension: "py",
        language: "Python",
        path: "a/b.py",
        repo_name: "owner/repo",
        max_stars_repo_head_hexsha: "ce1e5d1b2b1c",
        detected_licenses: ["MIT", "Apache-2.0"],
        star_events_count: 5,
        max_stars_repo_stars_event_min_datetime: "2020-06-07T17:30:05.000Z",
        max_issues_repo_path: "x/b.py",
        max_issues_repo_name: "owner/issues",
        max_issues_count: null,
        fork_events_count: 2,
        content: "print(1)\n",
        avg_line_length: 4.5,
        max_line_length: 9,
        alphanum_fraction: 0.75
      })
      assert.deepStrictEqual(second!.detected_licenses, [])
      assert.strictEqual(second!.star_events_count, null)
      // without a mapping, the file's own names
      const [raw] = yield* readAll(file)
      assert.strictEqual(raw!.max_stars_repo_name, "owner/repo")
      assert.strictEqual(raw!.repo_name, undefined)
    }))

  it.effect("projection accepts Doc names or file names under a mapping", () =>
    Effect.gen(function*() {
      const file = path.join(tmp("v1p"), "train.parquet")
      yield* stackV1(file)
      const rows = yield* readAll(file, { mapping: "stack-v1", columns: ["content", "repo_name", "lang", "max_issues_repo_name"] })
      assert.deepStrictEqual(rows, [
        { content: "print(1)\n", repo_name: "owner/repo", language: "Python", max_issues_repo_name: "owner/issues" },
        { content: "x;", repo_name: "other/repo", language: "JavaScript", max_issues_repo_name: "other/repo" }
      ])
    }))

  it.effect("stack-v2 is the identity: v2 columns already carry Doc names", () =>
    Effect.gen(function*() {
      const file = path.join(tmp("v2"), "v2.parquet")
      yield* duck(`COPY (SELECT 'b1' AS blob_id, 'd1' AS directory_id, '/src/a.go' AS path, ['MIT'] AS detected_licenses,
        'permissive' AS license_type, 'o/r' AS repo_name, 10::BIGINT AS star_events_count, 'Go' AS language,
        false AS is_vendor, 120::BIGINT AS length_bytes, 'go' AS extension, TIMESTAMP '2023-01-02 03:04:05' AS visit_date)
        TO '${file}' (FORMAT parquet)`)
      const [row] = yield* readAll(file, { mapping: "stack-v2" })
      assert.deepStrictEqual(row, {
        blob_id: "b1",
        directory_id: "d1",
        path: "/src/a.go",
        detected_licenses: ["MIT"],
        license_type: "permissive",
        repo_name: "o/r",
        star_events_count: 10,
        language: "Go",
        is_vendor: false,
        length_bytes: 120,
        extension: "go",
        visit_date: new Date(Date.UTC(2023, 0, 2, 3, 4, 5))
      })
    }))

  it("plan: a file column that already carries the Doc name wins over the mapped one", () => {
    assert.deepStrictEqual(StackColumns.plan(["lang", "language", "size"], StackColumns.stackV1), [
      ["lang", "lang"],
      ["language", "language"],
      ["size", "length_bytes"]
    ])
    assert.deepStrictEqual(StackColumns.plan(["lang", "size"], StackColumns.stackV1, ["length_bytes", "lang", "nope"]), [
      ["size", "length_bytes"],
      ["lang", "language"]
    ])
  })

  it("rename works data-first and data-last; resolve knows the built-in names", () => {
    const record = { content: "x", lang: "Python", hexsha: "abc", other: 1 }
    const expected = { content: "x", language: "Python", blob_id: "abc", other: 1 }
    assert.deepStrictEqual(StackColumns.rename(record, StackColumns.stackV1), expected)
    assert.deepStrictEqual(pipe(record, StackColumns.rename(StackColumns.resolve("stack-v1"))), expected)
    assert.deepStrictEqual(StackColumns.resolve("doc"), {})
    assert.deepStrictEqual(StackColumns.resolve(undefined), {})
    assert.throws(() => StackColumns.resolve("stack-v9" as StackColumns.Name))
  })
})
