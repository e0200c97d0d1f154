/**
 * LoRA: rank-r adapters on chosen projections of a frozen base model (`h = W₀x + (α/r)·B·A·x`, A
 * Kaiming-uniform, B zero), trained alone, saved separately with PEFT's names
 * (`adapter_model.safetensors`: `base_model.model.<module>.lora_A.weight` `[r, in]`,
 * `lora_B.weight` `[out, r]`; `adapter_config.json`), and merged into the base weights.
 *
 * Targets are Hugging Face module names: `c_attn`, `attn.c_proj`, `c_fc`, `mlp.c_proj` for GPT-2;
 * `q_proj`, `k_proj`, `v_proj`, `o_proj`, `gate_proj`, `up_proj`, `down_proj` for LLaMA.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { TrainerError } from "./Errors.ts"
import * as HfFormat from "./HfFormat.ts"
import { Random } from "./internal/random.ts"
import type { Adapter, Model, ParameterSpec } from "./Model.ts"
import * as Safetensors from "./Safetensors.ts"
import type { Tensor } from "./Wasm.ts"

/** @since 0.1.0 @category models */
export interface LoraOptions {
  readonly rank: number
  readonly alpha: number
  readonly targets: ReadonlyArray<string>
}

/** PEFT-like defaults: rank 8, alpha 16, attention query and value (GPT-2: the fused `c_attn`). @since 0.1.0 @category constructors */
export const defaults = (model: Model): LoraOptions => ({
  rank: 8,
  alpha: 16,
  targets: HfFormat.family(model.config) === "gpt2" ? ["c_attn"] : ["q_proj", "v_proj"]
})

interface Site {
  readonly module: string
  readonly internal: string
  readonly rowStart: number
  readonly rows: number
  readonly inF: number
}

const sites = (model: Model, targets: ReadonlyArray<string>): Array<Site> => {
  const all = HfFormat.pieces(model.config).filter((p) => p.hf.endsWith(".weight") && p.internal.startsWith("h.") && p.rows > 1 && p.cols > 1)
  const found = all
    .map((p) => ({ module: p.hf.slice(0, -".weight".length), internal: p.internal, rowStart: p.rowStart, rows: p.rows, inF: p.cols }))
    .filter((s) => targets.some((t) => s.module.endsWith(`.${t}`)))
  for (const t of targets) {
    if (!found.some((s) => s.module.endsWith(`.${t}`))) {
      const names = [...new Set(all.map((p) => p.hf.split(".").slice(-3, -1).join(".")))]
      throw new TrainerError({ file: "<lora>", position: t, reason: `no such module in this model; modules: ${names.join(", ")}` })
    }
  }
  return found
}

/**
 * Adapters attached to a model: their parameters and gradients (flat, in the model's arena), the
 * specs the optimizer walks, and the PEFT tensor names.
 *
 * @since 0.1.0 @category models
 */
export class Lora {
  readonly options: LoraOptions
  readonly model: Model
  readonly specs: ReadonlyArray<ParameterSpec>
  readonly params: Tensor
  readonly grads: Tensor
  private readonly sites: ReadonlyArray<Site>

  private constructor(model: Model, options: LoraOptions) {
    this.model = model
    this.options = options
    this.sites = sites(model, options.targets)
    const r = options.rank
    const specs: Array<ParameterSpec> = []
    let offset = 0
    for (const s of this.sites) {
      for (const [name, shape] of [[`base_model.model.${s.module}.lora_A.weight`, [r, s.inF]], [`base_model.model.${s.module}.lora_B.weight`, [s.rows, r]]] as const) {
        const size = shape[0] * shape[1]
        specs.push({ name, shape, decay: false, offset, size, init: "zero" })
        offset += size
      }
    }
    this.specs = specs
    this.params = model.arena.alloc(offset)
    this.grads = model.arena.alloc(offset)
  }

  /**
   * Attaches new adapters to `model` (A Kaiming-uniform from `seed`, B zero, so the model is
   * unchanged) and freezes its base weights.
   */
  static attach(model: Model, options: Partial<LoraOptions> = {}, seed = 0): Lora {
    const o = { ...defaults(model), ...options }
    if (!Number.isInteger(o.rank) || o.rank < 1) throw new TrainerError({ file: "<lora>", position: "rank", reason: `expected a positive integer, got ${o.rank}` })
    const lora = new Lora(model, o)
    const rng = new Random(seed)
    const p = lora.params.data
    for (let i = 0; i < lora.specs.length; i += 2) {
      const a = lora.specs[i]!
      const bound = 1 / Math.sqrt(a.shape[1]!)
      for (let k = a.offset; k < a.offset + a.size; k++) p[k] = (2 * rng.uniform() - 1) * bound
    }
    lora.wire()
    return lora
  }

  private wire(): void {
    const r = this.options.rank
    const scaling = this.options.alpha / r
    const arena = this.model.arena
    this.sites.forEach((s, i) => {
      const a = this.specs[2 * i]!
      const b = this.specs[2 * i + 1]!
      const acts = new Map<number, Tensor>()
      const scratch = new Map<number, Tensor>()
      const lazily = (cache: Map<number, Tensor>, n: number) => {
        const t = cache.get(n) ?? arena.alloc(n * r)
        cache.set(n, t)
        return t
      }
      const adapter: Adapter = {
        rowStart: s.rowStart,
        rows: s.rows,
        rank: r,
        scaling,
        a: this.params.slice(a.offset, a.size),
        b: this.params.slice(b.offset, b.size),
        ga: this.grads.slice(a.offset, a.size),
        gb: this.grads.slice(b.offset, b.size),
        activation: (n) => lazily(acts, n),
        scratch: (n) => lazily(scratch, n)
      }
      this.model.attachAdapter(s.internal, adapter)
    })
    this.model.trainBase = false
  }

  zeroGrad(): void {
    this.grads.data.fill(0)
  }

  /** Adds `scaling · B·A` into the base weights, detaches the adapters and unfreezes the base. */
  merge(): void {
    const r = this.options.rank
    const scaling = this.options.alpha / r
    const p = this.params.data
    this.sites.forEach((s, i) => {
      const a = this.specs[2 * i]!
      const b = this.specs[2 * i + 1]!
      const w = this.model.parameter(s.internal).data
      for (let o = 0; o < s.rows; o++) {
        for (let k = 0; k < s.inF; k++) {
          let sum = 0
          for (let j = 0; j < r; j++) sum += p[b.offset + o * r + j]! * p[a.offset + j * s.inF + k]!
          w[(s.rowStart + o) * s.inF + k] = w[(s.rowStart + o) * s.inF + k]! + scaling * sum
        }
      }
    })
    this.model.detachAdapters()
    this.model.trainBase = true
  }

  /** Writes `adapter_model.safetensors` and `adapter_config.json` (PEFT) into `dir`. */
  save(dir: string, base?: string): void {
    fs.mkdirSync(dir, { recursive: true })
    const p = this.params.data
    Safetensors.write(path.join(dir, "adapter_model.safetensors"), this.specs.map((s) => ({ name: s.name, shape: s.shape, data: p.subarray(s.offset, s.offset + s.size) })), { format: "pt" })
    const config = {
      peft_type: "LORA",
      task_type: "CAUSAL_LM",
      r: this.options.rank,
      lora_alpha: this.options.alpha,
      lora_dropout: 0,
      bias: "none",
      target_modules: this.options.targets,
      fan_in_fan_out: HfFormat.family(this.model.config) === "gpt2",
      base_model_name_or_path: base ?? null
    }
    Safetensors.writeFileAtomic(path.join(dir, "adapter_config.json"), JSON.stringify(config, null, 2) + "\n")
  }

  /** Reads adapters saved by {@link save} and attaches them to `model`. */
  static load(dir: string, model: Model): Lora {
    const configFile = path.join(dir, "adapter_config.json")
    let config: { r?: unknown; lora_alpha?: unknown; target_modules?: unknown }
    try {
      config = JSON.parse(fs.readFileSync(configFile, "utf8"))
    } catch (cause) {
      throw new TrainerError({ file: configFile, reason: `cannot read: ${cause instanceof Error ? cause.message : String(cause)}` })
    }
    if (typeof config.r !== "number" || typeof config.lora_alpha !== "number" || !Array.isArray(config.target_modules)) {
      throw new TrainerError({ file: configFile, reason: "expected r, lora_alpha and target_modules" })
    }
    const lora = new Lora(model, { rank: config.r, alpha: config.lora_alpha, targets: config.target_modules as Array<string> })
    const file = path.join(dir, "adapter_model.safetensors")
    const byName = new Map(Safetensors.read(file).tensors.map((t) => [t.name, t.data]))
    const p = lora.params.data
    for (const s of lora.specs) {
      const t = byName.get(s.name)
      if (!t || t.length !== s.size) throw new TrainerError({ file, position: s.name, reason: "missing or mis-sized adapter tensor" })
      p.set(t, s.offset)
    }
    lora.wire()
    return lora
  }
}

/** Whether a directory holds LoRA adapters. @since 0.1.0 @category getters */
export const isAdapterDir = (dir: string): boolean => fs.existsSync(path.join(dir, "adapter_config.json"))
