/**
 * The last check before an output is written: benchmark decontamination (`@pretrain/curation`,
 * e.g. HumanEval: whitespace-insensitive substring match of prompts' docstrings and canonical
 * solutions) and near-dedup against every output kept so far (`@pretrain/dedup`'s MinHash-LSH
 * `NearDeduper`, earlier runs' outputs included).
 *
 * ```ts
 * const gate = Gate.make({ benchmarks: ["HumanEval.jsonl.gz"], nearDedup: { threshold: 0.7 } })
 * gate.check("def add(a, b): ...") // undefined (keep) or { reason: "near-duplicate", detail: "of <id>" }
 * ```
 *
 * @since 0.1.0
 */
import * as path from "node:path"
import { Benchmark, Decontaminate } from "@pretrain/curation"
import { NearDedup } from "@pretrain/dedup"
import { OptionError } from "./Errors.ts"

/** @since 0.1.0 @category models */
export interface Options {
  /** Benchmark files (HumanEval / MBPP JSONL, by file name) to decontaminate against. */
  readonly benchmarks?: ReadonlyArray<string> | undefined
  /** Or benchmarks already loaded. */
  readonly loaded?: ReadonlyArray<Benchmark.Benchmark> | undefined
  /** Near-dedup options, or `false` to keep near-duplicates (default: Jaccard 0.7, 5-grams). */
  readonly nearDedup?: NearDedup.Options | false | undefined
}

/** Why an output is dropped. @since 0.1.0 @category models */
export interface Drop {
  readonly reason: string
  readonly detail: string
}

/**
 * The benchmark spec for a file, by its name (`HumanEval*.jsonl[.gz]`, `mbpp*.jsonl[.gz]`).
 *
 * @since 0.1.0 @category utils
 */
export const benchmarkSpec = (file: string): Benchmark.Spec => {
  const base = path.basename(file).toLowerCase()
  if (base.includes("humaneval")) return Benchmark.humanEval(file)
  if (base.includes("mbpp")) return Benchmark.mbpp(file)
  throw new OptionError({ option: "benchmark", reason: `${file}: name it after HumanEval or MBPP so its fields are known` })
}

/**
 * Decontamination and near-dedup over the outputs of a run.
 *
 * @since 0.1.0 @category models
 */
export class Gate {
  private readonly index: Decontaminate.Index | undefined
  private readonly near: NearDedup.NearDeduper | undefined
  private readonly ids: Array<string> = []

  constructor(options: Options = {}) {
    const benchmarks = [...(options.loaded ?? []), ...(options.benchmarks ?? []).map((f) => Benchmark.load(benchmarkSpec(f)))]
    this.index = benchmarks.length === 0 ? undefined : Decontaminate.index(benchmarks)
    this.near = options.nearDedup === false ? undefined : new NearDedup.NearDeduper(options.nearDedup ?? {})
  }

  /** Registers an output kept earlier (no checks). */
  remember(id: string, content: string): void {
    if (this.near === undefined) return
    this.near.add(this.ids.length, content)
    this.ids.push(id)
  }

  /** Checks an output; when it passes, it is remembered for the near-dedup of later ones. */
  check(id: string, content: string): Drop | undefined {
    const item = this.index?.find(content)
    if (item !== undefined) return { reason: Decontaminate.reasonFor(item.benchmark), detail: Decontaminate.describeItem(item) }
    if (this.near === undefined) return undefined
    const linked = this.near.add(this.ids.length, content)
    this.ids.push(id)
    return linked < 0 ? undefined : { reason: "near-duplicate", detail: `of ${this.ids[linked]}` }
  }
}

/** @since 0.1.0 @category constructors */
export const make = (options: Options = {}): Gate => new Gate(options)
