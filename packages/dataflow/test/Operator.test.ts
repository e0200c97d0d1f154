import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { Operator, Stats } from "../src/index.ts"
import type { Doc } from "../src/index.ts"

const docs: Array<Doc> = ["a", "bb", "ccc", "dddd", "eeeee"].map((content, i) => ({ content, path: `f${i}.js` }))

describe("Operator", () => {
  it.effect("filter drops with the filter's name or the returned reason, counted per operator", () =>
    Effect.gen(function*() {
      const stats = new Stats.TaskStats({ keepRejects: true })
      const out = yield* Stream.fromIterable(docs).pipe(
        Stream.rechunk(2),
        Operator.filter("min-size", (d) => d.content.length >= 2),
        Operator.filter("max-size", (d) => d.content.length <= 4 ? true : "too-long"),
        Operator.map("upper", (d) => ({ ...d, content: d.content.toUpperCase() })),
        Stream.runCollect,
        Effect.provideService(Stats.Telemetry, stats)
      )
      assert.deepStrictEqual(out.map((d) => d.content), ["BB", "CCC", "DDDD"])
      assert.deepStrictEqual(stats.drops, { "min-size": 1, "too-long": 1 })
      assert.deepStrictEqual(stats.operators["max-size"]!.drops, { "too-long": 1 })
      assert.strictEqual(stats.operators["min-size"]!.docsIn, 5)
      assert.strictEqual(stats.operators["upper"]!.docsOut, 3)
      const rejects = stats.takeRejects()
      assert.deepStrictEqual(rejects.map((r) => [r.record.content, r.reason, r.operator]), [
        ["a", "min-size", "min-size"],
        ["eeeee", "too-long", "max-size"]
      ])
    }))

  it.effect("data-first and data-last forms agree; flatMap and batch", () =>
    Effect.gen(function*() {
      const source = Stream.fromIterable(docs)
      const a = yield* Stream.runCollect(Operator.flatMap(source, "split", (d) => d.content.split("")))
      const b = yield* source.pipe(Operator.flatMap("split", (d: Doc) => d.content.split("")), Stream.runCollect)
      assert.deepStrictEqual(a, b)
      assert.strictEqual(a.length, 15)
      const batches = yield* source.pipe(Operator.batch(2), Stream.runCollect)
      assert.deepStrictEqual(batches.map((x) => x.length), [2, 2, 1])
      const flat = yield* source.pipe(Operator.batch(2), Operator.unbatch, Stream.runCollect)
      assert.deepStrictEqual(flat, docs)
    }))

  it("merges task stats in task order", () => {
    const t0 = new Stats.TaskStats({ stage: "s", task: 1, tasks: 2 })
    t0.read([{ content: "héllo" }])
    t0.reject({ record: { content: "x" }, reason: "r", operator: "op" })
    const t1 = new Stats.TaskStats({ stage: "s", task: 0, tasks: 2 })
    t1.read([{ content: "ab" }, { content: "c" }])
    t1.written([{ content: "ab" }])
    const merged = Stats.mergeStats("s", 2, [t0.toJSON(), t1.toJSON()])
    assert.strictEqual(merged.docsIn, 3)
    assert.strictEqual(merged.bytesIn, 6 + 3)
    assert.strictEqual(merged.docsOut, 1)
    assert.deepStrictEqual(merged.drops, { r: 1 })
    assert.deepStrictEqual(merged.perTask.map((t) => t.task), [0, 1])
  })
})
