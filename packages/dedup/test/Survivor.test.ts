import { describe, expect, it } from "vitest"
import { resolve } from "../src/Clusters.ts"
import { licenseClass, RankKeys } from "../src/Survivor.ts"

describe("Survivor", () => {
  const docs = [
    { content: "", license_type: "non_permissive", star_events_count: 1000 },
    { content: "", license_type: "permissive", star_events_count: 5, fork_events_count: 1 },
    { content: "", license_type: "permissive", star_events_count: 5n, fork_events_count: 3, revision_date: "2021-01-01T00:00:00Z" },
    { content: "", license_type: "permissive", star_events_count: 5, fork_events_count: 3, revision_date: "2023-06-01T00:00:00Z" },
    { content: "", license_type: "permissive", star_events_count: 5, fork_events_count: 3, revision_date: "2023-06-01T00:00:00Z", visit_date: "2024-01-01" },
    { content: "" }
  ]

  it("stack-v2: permissive license, then stars, forks, newest revision, newest visit, then input order", () => {
    const ranks = new RankKeys("stack-v2")
    docs.forEach((d, i) => ranks.set(i, d))
    expect(ranks.better(1, 0)).toBe(true) // license before stars
    expect(ranks.better(2, 1)).toBe(true) // forks
    expect(ranks.better(3, 2)).toBe(true) // newer revision
    expect(ranks.better(4, 3)).toBe(true) // visit date breaks the tie
    expect(ranks.better(5, 0)).toBe(true) // no license beats non-permissive
    const { keep, cluster, size } = resolve(new Int32Array([0, 0, 0, 0, 0, 5]), ranks)
    expect(Array.from(keep)).toEqual([0, 0, 0, 0, 1, 1])
    expect(Array.from(cluster)).toEqual([0, 0, 0, 0, 0, 5])
    expect(Array.from(size)).toEqual([5, 5, 5, 5, 5, 1])
  })

  it("first: the earliest document", () => {
    const ranks = new RankKeys("first")
    docs.forEach((d, i) => ranks.set(i, d))
    const { keep } = resolve(new Int32Array([0, 0, 0, 0, 0, 5]), ranks)
    expect(Array.from(keep)).toEqual([1, 0, 0, 0, 0, 1])
  })

  it("license classes", () => {
    expect([licenseClass({ content: "", license_type: "permissive" }), licenseClass({ content: "" }), licenseClass({ content: "", license_type: "non_permissive" })]).toEqual([0, 1, 2])
  })
})
