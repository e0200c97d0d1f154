import { Effect, Layer, Stream } from "effect"
import { describe, expect, it } from "vitest"
import * as Cosmopedia from "../src/Cosmopedia.ts"
import * as Llm from "../src/Llm.ts"
import * as Seeds from "../src/Seeds.ts"

const seeds = [
  Seeds.make("w1", "web", "x ".repeat(900) + "END", { topic: "gardening" }),
  Seeds.make("o1", "outline", "1. Limits\n2. Derivatives\n3. Integrals"),
  Seeds.make("d1", "document", "Our team's on-call handbook: page the owner first.")
]

describe("Cosmopedia prompts", () => {
  it("crosses seeds with audiences and styles and reports the prompt set", () => {
    const { tasks, report } = Cosmopedia.plan(seeds, { audiences: ["young children", "college students"], styles: ["blogpost", "wikihow", "story"] })
    expect(tasks).toHaveLength(18)
    expect(report).toEqual({
      prompts: 18,
      byAudience: { "young children": 9, "college students": 9 },
      byStyle: { blogpost: 6, wikihow: 6, story: 6 },
      bySeedKind: { web: 6, outline: 6, document: 6 },
      seeds: 3
    })
    expect(new Set(tasks.map((t) => t.id)).size).toBe(18)
  })

  it("embeds at most 1000 characters of the seed, names the source, audience and style, and adds the topic to about half", () => {
    const { tasks } = Cosmopedia.plan(seeds)
    const web = tasks.filter((t) => t.seedIds[0] === "w1")
    for (const t of web) {
      expect(t.prompt).toContain("Here is an extract from a web page:")
      expect(t.prompt).not.toContain("END")
      const extract = t.prompt.split("\n")[2]!
      expect(extract.length).toBeLessThanOrEqual(1000)
    }
    const withTopic = web.filter((t) => t.prompt.includes("within the context of \"gardening\"")).length
    expect(withTopic).toBeGreaterThan(web.length * 0.2)
    expect(withTopic).toBeLessThan(web.length * 0.8)
    const outline = Cosmopedia.prompt(seeds[1]!, "young children", "story")
    expect(outline).toContain("Here is a course outline:")
    expect(outline).toContain("for young children")
    expect(outline).toContain("Use simple words")
    expect(outline).toContain("Do not start with \"Once upon a time\"")
  })

  it("gives the same ids and sample on a rerun, and new ids when a seed or a parameter changes", () => {
    const a = Cosmopedia.plan(seeds, { n: 7, seed: 3 })
    const b = Cosmopedia.plan(seeds, { n: 7, seed: 3 })
    expect(a.tasks.map((t) => t.id)).toEqual(b.tasks.map((t) => t.id))
    expect(a.tasks).toHaveLength(7)
    expect(a.report.prompts).toBe(7)
    const other = Cosmopedia.plan(seeds, { n: 7, seed: 4 })
    expect(other.tasks.map((t) => t.id)).not.toEqual(a.tasks.map((t) => t.id))
    const all = new Set(Cosmopedia.plan(seeds).tasks.map((t) => t.id))
    const changedSeed = Cosmopedia.plan([Seeds.make("w1", "web", "changed"), ...seeds.slice(1)]).tasks.map((t) => t.id)
    expect(changedSeed.filter((id) => !all.has(id))).toHaveLength(Cosmopedia.audiences.length * Object.keys(Cosmopedia.styles).length)
    const hotter = Cosmopedia.plan(seeds, { sampling: { temperature: 0.9 } }).tasks.map((t) => t.id)
    expect(hotter.some((id) => all.has(id))).toBe(false)
  })

  it("samples each request with its own seed derived from the run's: a rerun repeats them, no two requests share one", async () => {
    // A backend that answers with the seed it was asked to sample with.
    const echo = Layer.succeed(Llm.Llm, {
      name: "echo",
      model: "echo",
      constrainsJson: false,
      complete: (r: Llm.Request) => Effect.succeed({ text: `seed ${r.seed}`, finishReason: "stop", model: "echo" }),
      stream: (r: Llm.Request) => Stream.make(`seed ${r.seed}`)
    })
    const seedsOf = (sampling: Llm.Sampling) =>
      Effect.runPromise(Effect.forEach(Cosmopedia.plan(seeds, { n: 12, seed: 5, sampling }).tasks, (t) => Effect.map(t.run, (p) => p.content)).pipe(Effect.provide(echo)))
    const first = await seedsOf({ seed: 7 })
    expect(first.every((c) => /^seed \d+$/.test(c))).toBe(true)
    expect(new Set(first).size).toBe(12)
    expect(await seedsOf({ seed: 7 })).toEqual(first)
    expect(new Set([...first, ...(await seedsOf({ seed: 8 }))]).size).toBe(24)
    expect(await seedsOf({})).toEqual(Array.from({ length: 12 }, () => "seed undefined"))
  })

  it("refuses an unknown style and strips greeting boilerplate", () => {
    expect(() => Cosmopedia.plan(seeds, { styles: ["poem" as Cosmopedia.Style] })).toThrow(/style: unknown "poem"/)
    expect(Cosmopedia.cleanBoilerplate("Hello there, students!\n\nPlants need light.")).toBe("Plants need light.")
    expect(Cosmopedia.cleanBoilerplate("Plants need light.")).toBe("Plants need light.")
  })
})
