import { Effect, Stream } from "effect"
import { describe, expect, it } from "vitest"
import * as NearDedup from "../src/NearDedup.ts"
import * as Operators from "../src/Operators.ts"
import { smallDataset } from "./support/files.ts"

const collect = (op: (s: Stream.Stream<ReturnType<typeof smallDataset>[number]>) => Stream.Stream<ReturnType<typeof smallDataset>[number]>) =>
  Effect.runPromise(Stream.runCollect(op(Stream.fromIterable(smallDataset())))).then((docs) => Array.from(docs).map((d) => d.repo_name))

describe("streaming keep-first operators", () => {
  it("Operators.exact drops later copies of a content", async () => {
    expect(await collect(Operators.exact())).toEqual(["acme/a", "acme/c", "other/py", "acme/d"])
    expect(await collect(Operators.exact({ normalizeWhitespace: true }))).toEqual(["acme/a", "acme/c", "other/py"])
  })

  it("Operators.near drops documents linked to an earlier one", async () => {
    expect(await collect(Operators.near({ verify: true }))).toEqual(["acme/a", "other/py"])
  })

  it("NearDeduper reports what a document linked to", () => {
    const near = new NearDedup.NearDeduper({ threshold: 0.7 })
    const docs = smallDataset()
    expect(docs.map((d, i) => near.add(i, d.content))).toEqual([-1, 0, 0, -1, 0])
    expect(near.unionFind.find(4)).toBe(0)
  })

  it("different short documents do not collapse into one cluster; identical ones do; empty ones never link", () => {
    const near = new NearDedup.NearDeduper()
    expect(["a b", "c d", "a b", "", "  ;; ", "x"].map((t, i) => near.add(i, t))).toEqual([-1, -1, 0, -1, -1, -1])
    expect(near.empty).toBe(2)
  })
})
