import { describe, expect, it } from "@effect/vitest"
import * as Pii from "../src/Pii.ts"
import { detectors, matches } from "../src/internal/secrets.ts"
import { makers, packageFiles, plantInto, rng } from "./support/corpus.ts"

const kindsOf = (text: string) => Pii.detect(text).map((s) => `${s.kind}:${s.value}`)

describe("Pii.detect", () => {
  it("finds each kind in a line of code", () => {
    const next = rng(7)
    for (const [name, make] of Object.entries(makers)) {
      const p = make(next)
      expect(kindsOf(p.line), name).toContain(`${p.kind}:${p.value}`)
    }
  })

  it("finds passwords and secrets in .env, shell and YAML lines too", () => {
    const text = "DB_PASSWORD=Tr0ub4dor&3x\nexport STRIPE_SECRET=Zx8Kq2Lm9Pw4Rt7Yv1Bn5Cg3Hd6Jf0Ss\ndatabase:\n  password: c0rrectH0rse!\n"
    expect(kindsOf(text)).toEqual(["password:Tr0ub4dor&3x", "secret:Zx8Kq2Lm9Pw4Rt7Yv1Bn5Cg3Hd6Jf0Ss", "password:c0rrectH0rse!"])
    expect(kindsOf("PASSWORD=${DB_PASSWORD}\npassword: changeme\nTOKEN_FILE=/run/secrets/token\n")).toEqual([])
  })

  it("keeps private addresses, the well-known DNS servers and version numbers", () => {
    const text = [
      `const a = "10.0.0.1", b = "192.168.1.20", c = "172.20.3.4", d = "127.0.0.1"`,
      `resolver: ["8.8.8.8", "1.1.1.1", "9.9.9.9", "208.67.222.222"]`,
      `"version": "1.2.3.4"`,
      `// see 13.2.5.5 of the spec`,
      `const v = "v2.10.3.1"; const docs = "2001:db8::1"; const local = "fe80::1"; const ula = "fd00::1"`,
      `std::vector<int> v; a::b::c; const ts = "12:34:56"`
    ].join("\n")
    expect(kindsOf(text)).toEqual([])
  })

  it("treats a short dotted quad as an address only near 'dns' or 'server' (bigcode)", () => {
    expect(kindsOf(`const server = "5.6.7.8"`)).toEqual(["ip_address:5.6.7.8"])
    expect(kindsOf(`release 5.6.7.8 is out`)).toEqual([])
  })

  it("applies bigcode's guards to generic secrets", () => {
    const text = [
      `const api_key = "123e4567-e89b-12d3-a456-426614174000"`, // UUID
      `const secret = "{{ .Values.secret }}"`, // templated
      `const token = "abcdefghijklmnopqrstuvwxyz"`, // sequential
      `const client_id = "Zx8Kq2Lm9Pw4Rt7Yv1Bn5Cg3Hd6Jf0Ss"`, // id
      `const sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"`, // checksum
      `password: "password"`, `password: process.env.DB_PASSWORD`, `pwd: "/Users/me"`
    ].join("\n")
    expect(kindsOf(text)).toEqual([])
  })

  it("ignores generic secrets in files that mention sha/hash on more than 2% of lines", () => {
    const secret = `const token = "Zx8Kq2Lm9Pw4Rt7Yv1Bn5Cg3Hd6Jf0SsQ"`
    expect(kindsOf(secret)).toHaveLength(1)
    expect(kindsOf(`${secret}\n// sha of the file\n`)).toEqual([])
  })

  it("finds person names where code names an author, not organisations", () => {
    expect(kindsOf(`// Copyright (c) 2014-present Sebastian McKenzie and other contributors`)).toEqual(["name:Sebastian McKenzie"])
    expect(kindsOf(` * @author Isaac Z. Schlueter`)).toEqual(["name:Isaac Z. Schlueter"])
    expect(kindsOf(`  "author": "Tomás Della Vedova <x@y.io>",`)).toEqual(["name:Tomás Della Vedova", "email:x@y.io"])
    expect(kindsOf(`Copyright (c) Microsoft Corporation.\n"author": "The Babel Team (https://babel.dev/team)"\nCopyright 2011 Mozilla Foundation`)).toEqual([])
    expect(Pii.redact(`// Copyright 2020 Jane Doe`).content).toBe(`// Copyright 2020 <NAME>`)
  })

  it("does not take asset names, example domains or git remotes for emails", () => {
    expect(kindsOf(`url(logo@2x.png); a@b.example.com; git@github.com:org/repo.git; user@example.org`)).toEqual([])
  })
})

describe("Pii.redact", () => {
  const text = `const k = "AKIAIOSFODNN7EXAMPLE"\n// ops@acme.io, ops@acme.io, dev@acme.io\nconst again = "AKIAIOSFODNN7EXAMPLE"\nserver = "52.14.1.9"\npassword = "hunter22!"`

  it("uses StarCoder2's placeholders", () => {
    const r = Pii.redact(text)
    expect(r.content).toBe(`const k = "<KEY>"\n// <EMAIL>, <EMAIL>, <EMAIL>\nconst again = "<KEY>"\nserver = "<IP_ADDRESS>"\npassword = "<PASSWORD>"`)
    expect(r.counts).toEqual({ aws_access_key: 2, email: 3, ip_address: 1, password: 1 })
  })

  it("random policy: realistic values, the same secret gets the same replacement, deterministic for a seed", () => {
    const config = { ...Pii.defaults, policy: "random" as const }
    const r = Pii.redact(text, config)
    const keys = [...r.content.matchAll(/AKIA[A-Z0-9]{16}/g)].map((m) => m[0])
    expect(keys).toHaveLength(2)
    expect(keys[0]).toBe(keys[1])
    expect(keys[0]).not.toBe("AKIAIOSFODNN7EXAMPLE")
    const emails = [...r.content.matchAll(/[a-z]+@example\.com/g)].map((m) => m[0])
    expect(emails).toHaveLength(3)
    expect(emails[0]).toBe(emails[1])
    expect(emails[2]).not.toBe(emails[0])
    expect(r.content).toMatch(/server = "(172\.16\.31\.10|172\.16\.58\.3|172\.16\.17\.32|192\.168\.127\.12|192\.168\.3\.11)"/)
    expect(Pii.redact(text, config).content).toBe(r.content)
    expect(Pii.redact(text, { ...config, seed: 1 }).content).not.toBe(r.content)
  })
})

describe("measured on real files from node_modules", () => {
  const files = packageFiles("effect", "src", [".ts"], 120)

  it("recall >= 0.95 for every kind planted into real source files", () => {
    const next = rng(42)
    const recall: Record<string, string> = {}
    for (const [name, make] of Object.entries(makers)) {
      let found = 0
      const trials = 100
      for (let t = 0; t < trials; t++) {
        const file = files[Math.floor(next() * files.length)]!
        const plant = make(next)
        const planted = plantInto(file.content, plant, next)
        const spans = Pii.detect(planted.content)
        if (spans.some((s) => s.kind === plant.kind && s.start <= planted.at && s.end >= planted.at + plant.value.length)) found++
      }
      recall[name] = (found / trials).toFixed(2)
      expect(found / trials, name).toBeGreaterThanOrEqual(0.95)
    }
    console.log(`PII recall per kind (100 plants each): ${JSON.stringify(recall)}`)
  })

  it("few detections on the unmodified files", () => {
    let bytes = 0
    const found: Array<string> = []
    for (const f of files) {
      bytes += Buffer.byteLength(f.content)
      for (const s of Pii.detect(f.content)) found.push(`${f.path}: ${s.kind} ${s.value}`)
    }
    const perMB = found.length / (bytes / 1e6)
    console.log(`unmodified: ${found.length} detections in ${(bytes / 1e6).toFixed(2)} MB (${perMB.toFixed(2)}/MB): ${found.slice(0, 5).join("; ")}`)
    expect(perMB).toBeLessThan(1)
  })
})

describe("anchored matching", () => {
  it("secret and password patterns tried next to their keywords find what the regex loop finds", () => {
    const files = packageFiles("effect", "src", [".ts"], 60).map((f) => f.content)
    const next = rng(11)
    const planted = [makers.secret!, makers.password!].flatMap((make) =>
      Array.from({ length: 40 }, () => plantInto(files[Math.floor(next() * files.length)]!, make(next), next).content)
    )
    const crafted = ["secretoken = 'aZ3kPq9LmN2xR7vT1wY'", "CLIENT_SECRET=aZ3kPq9LmN2xR7vT1wYbb", "my_private-key: \"aZ3kPq9LmN2xR7vT1wYb\"", "pass=x9!kk\npwd: Abc123$%", "SIGNING_KEY=aZ3kPq9LmN2xR7vT1wYbb # k"]
    for (const text of [...files, ...planted, ...crafted]) {
      detectors.forEach((d, k) => {
        const ours: Array<string> = []
        matches(k, text, (m) => ours.push(`${m.index}:${m[0]}`))
        const loop = [...text.matchAll(new RegExp(d.pattern.source, d.pattern.flags))].map((m) => `${m.index}:${m[0]}`)
        expect(ours, d.kind).toEqual(loop)
      })
    }
  })
})
