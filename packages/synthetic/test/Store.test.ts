import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { StoreError } from "../src/Errors.ts"
import * as RequestId from "../src/RequestId.ts"
import { Store } from "../src/Store.ts"

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-store-"))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe("Store", () => {
  it("appends records, lists their ids on reopening, and cuts off a torn last line", () => {
    const out = path.join(dir, "a")
    const s = Store.open(out)
    s.append("outputs", { id: "1", content: "one" })
    s.append("rejects", { id: "2", reason: "near-duplicate" })
    s.close()
    fs.appendFileSync(path.join(out, "outputs.jsonl"), "{\"id\": \"3\", \"content\": \"thr")
    const again = Store.open(out)
    expect([...again.done].sort()).toEqual(["1", "2"])
    expect(again.previous).toEqual([{ id: "1", content: "one" }])
    again.append("outputs", { id: "3", content: "three" })
    again.close()
    expect(fs.readFileSync(path.join(out, "outputs.jsonl"), "utf8")).toBe("{\"id\":\"1\",\"content\":\"one\"}\n{\"id\":\"3\",\"content\":\"three\"}\n")
  })

  it("refuses a corrupt complete line, naming the file and line", () => {
    const out = path.join(dir, "b")
    fs.mkdirSync(out)
    fs.writeFileSync(path.join(out, "rejects.jsonl"), "{\"id\":\"1\"}\n{\"noid\":1}\n")
    expect(() => Store.open(out)).toThrow(StoreError)
    expect(() => Store.open(out)).toThrow(`${path.join(out, "rejects.jsonl")}:2: record has no string id`)
  })
})

describe("RequestId", () => {
  it("is the same for equal keys whatever the key order, and differs when anything differs", () => {
    const a = RequestId.make({ template: "t@1", seedIds: ["s"], params: { temperature: 0.6, audience: "x" } })
    expect(a).toMatch(/^[0-9a-f]{24}$/)
    expect(RequestId.make({ template: "t@1", seedIds: ["s"], params: { audience: "x", temperature: 0.6, unset: undefined } })).toBe(a)
    expect(RequestId.make({ template: "t@2", seedIds: ["s"], params: { temperature: 0.6, audience: "x" } })).not.toBe(a)
    expect(RequestId.make({ template: "t@1", seedIds: ["s2"], params: { temperature: 0.6, audience: "x" } })).not.toBe(a)
    expect(RequestId.make({ template: "t@1", seedIds: ["s"], params: { temperature: 0.7, audience: "x" } })).not.toBe(a)
  })
})
