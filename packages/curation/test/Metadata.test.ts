import { describe, expect, it } from "@effect/vitest"
import * as Metadata from "../src/Metadata.ts"

const always = { ...Metadata.defaults, repoNameProbability: 1, fileNameProbability: 1, starsProbability: 1 }

describe("Metadata", () => {
  it("StarCoder1's order and shape, reading The Stack v1 columns first, then v2's", () => {
    expect(Metadata.format({ content: "x = 1\n", max_stars_repo_name: "a/b", max_stars_repo_path: "x.py", max_stars_count: 42 }, always))
      .toBe("<reponame>a/b<filename>x.py<gh_stars>10-100\nx = 1\n")
    expect(Metadata.format({ content: "y", repo_name: "c/d", path: "y.js", star_events_count: 3n }, { ...always, fileNameProbability: 0 }))
      .toBe("<reponame>c/d<gh_stars>1-10\ny")
    expect(Metadata.format({ content: "z" }, { ...always, repoNameProbability: 0, fileNameProbability: 0, starsProbability: 0 })).toBe("z")
  })

  it("star buckets", () => {
    expect([null, 0, 1, 9, 10, 99, 100, 999, 1000, 50_000].map(Metadata.starsBucket))
      .toEqual(["0", "0", "1-10", "1-10", "10-100", "10-100", "100-1000", "100-1000", "1000+", "1000+"])
  })

  it("each prefix appears with probability 0.2, independently; deterministic for a seed", () => {
    const docs = Array.from({ length: 4000 }, (_, i) => ({ content: `f${i}`, repo_name: `r/${i % 50}`, path: `p${i}.py`, star_events_count: i }))
    const out = docs.map((d) => Metadata.format(d))
    const share = (token: string) => out.filter((t) => t.includes(token)).length / docs.length
    for (const token of Object.values(Metadata.tokens)) expect(Math.abs(share(token) - 0.2)).toBeLessThan(0.03)
    const both = out.filter((t) => t.includes("<reponame>") && t.includes("<filename>")).length / docs.length
    expect(Math.abs(both - 0.04)).toBeLessThan(0.015)
    expect(docs.map((d) => Metadata.format(d))).toEqual(out)
    expect(docs.map((d) => Metadata.format(d, { ...Metadata.defaults, seed: 7 }))).not.toEqual(out)
  })
})
