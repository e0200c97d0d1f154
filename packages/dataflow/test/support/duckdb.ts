/** DuckDB as a reference reader/writer in tests: each call gets a fresh in-memory database. */
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api"
import { Effect } from "effect"

/** Open a fresh in-memory DuckDB, run `f` on a connection, then close both. */
export const withDuckDB = async <A>(f: (con: DuckDBConnection) => Promise<A>): Promise<A> => {
  const db = await DuckDBInstance.create(":memory:")
  const con = await db.connect()
  try {
    return await f(con)
  } finally {
    con.closeSync()
    db.closeSync()
  }
}

const runAll = (sql: ReadonlyArray<string>) =>
  withDuckDB(async (con) => {
    for (const s of sql.slice(0, -1)) await con.run(s)
    return (await con.runAndReadAll(sql[sql.length - 1]!)).getRowObjectsJS()
  })

/** Run statements in a fresh in-memory DuckDB; returns the rows of the last one as JS values (dies on error). */
export const duck = (...sql: Array<string>) => Effect.promise(() => runAll(sql))

/** {@link duck}, failing with DuckDB's error instead of dying. */
export const tryDuck = (...sql: Array<string>) => Effect.tryPromise(() => runAll(sql))

/** Run statements in a fresh in-memory DuckDB for their effect only (e.g. `COPY ... TO`). */
export const duckRun = (...sql: Array<string>) =>
  Effect.promise(() =>
    withDuckDB(async (con) => {
      for (const s of sql) await con.run(s)
    })
  )
