/**
 * Checkpoints: a directory per step (`step-00000100/`) holding `model.safetensors` (Hugging Face
 * tensor names), `config.json`, `optimizer.safetensors` (AdamW moments per parameter) and
 * `state.json` (step, data position, options). Written to a temporary directory and renamed, so a
 * crash never leaves a partial checkpoint; older ones beyond `keepLast` are removed.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { TrainerError } from "./Errors.ts"
import * as HfFormat from "./HfFormat.ts"
import { isAdapterDir, Lora } from "./Lora.ts"
import { Model } from "./Model.ts"
import { AdamW } from "./Optimizer.ts"
import * as Safetensors from "./Safetensors.ts"

/** What a checkpoint records besides tensors. @since 0.1.0 @category models */
export interface State {
  /** Optimizer steps done. */
  readonly step: number
  /** Training sequences consumed (the data position). */
  readonly consumed: number
  /** Tokens processed. */
  readonly tokens: number
  readonly elapsedSec: number
  readonly options: Readonly<Record<string, unknown>>
  /** For LoRA runs: the base checkpoint the adapters apply to. */
  readonly base?: string | undefined
}

const STEP_DIR = /^step-(\d+)$/

/** The checkpoint directory name of a step. @since 0.1.0 @category getters */
export const dirName = (step: number): string => `step-${String(step).padStart(8, "0")}`

/** Checkpoint directories under `root`, oldest first. @since 0.1.0 @category reading */
export const list = (root: string): Array<string> =>
  fs.existsSync(root)
    ? fs.readdirSync(root).filter((n) => STEP_DIR.test(n)).sort().map((n) => path.join(root, n))
    : []

/** The newest checkpoint directory under `root`, if any. @since 0.1.0 @category reading */
export const latest = (root: string): string | undefined => list(root).at(-1)

/**
 * A checkpoint directory from a path that is one (has `config.json`) or holds some (a run's output
 * or its `checkpoints/` folder): the newest. Throws {@link TrainerError} when none.
 *
 * @since 0.1.0 @category reading
 */
export const resolve = (p: string): string => {
  if (fs.existsSync(path.join(p, "config.json")) || isAdapterDir(p)) return p
  const found = latest(path.join(p, "checkpoints")) ?? latest(p)
  if (!found) throw new TrainerError({ file: p, reason: "no checkpoint here (expected config.json, or step-NNNNNNNN directories)" })
  return found
}

/** Writes the model's tensors and config.json into `dir`. @since 0.1.0 @category writing */
export const writeModel = (dir: string, model: Model): void => {
  fs.mkdirSync(dir, { recursive: true })
  Safetensors.write(path.join(dir, "model.safetensors"), HfFormat.toHf(model.config, (n) => model.parameter(n).data), { format: "pt" })
  Safetensors.writeFileAtomic(path.join(dir, "config.json"), JSON.stringify(HfFormat.configJson(model.config), null, 2) + "\n")
}

/** Reads a model (config.json + model.safetensors) from a directory. @since 0.1.0 @category reading */
export const readModel = (dir: string): Model => {
  const configFile = path.join(dir, "config.json")
  let json: unknown
  try {
    json = JSON.parse(fs.readFileSync(configFile, "utf8"))
  } catch (cause) {
    throw new TrainerError({ file: configFile, reason: `cannot read: ${cause instanceof Error ? cause.message : String(cause)}` })
  }
  const config = HfFormat.parseConfigJson(json, configFile)
  const model = Model.empty(config)
  const file = path.join(dir, "model.safetensors")
  HfFormat.fromHf(config, Safetensors.read(file).tensors, (n) => model.parameter(n).data, file)
  return model
}

/**
 * Saves a checkpoint atomically under `root` and removes all but the newest `keepLast` (0 keeps
 * all). Returns its directory. With `lora`, the adapters are saved (PEFT files) instead of the
 * frozen base, and `state.base` names the base checkpoint.
 *
 * @since 0.1.0 @category writing
 */
export const save = (root: string, model: Model, optimizer: AdamW, state: State, keepLast: number, lora?: Lora): string => {
  fs.mkdirSync(root, { recursive: true })
  const final = path.join(root, dirName(state.step))
  const tmp = path.join(root, `.${dirName(state.step)}.tmp-${process.pid}`)
  fs.rmSync(tmp, { recursive: true, force: true })
  if (lora) lora.save(tmp, state.base)
  else writeModel(tmp, model)
  const moments = (lora?.specs ?? model.specs).flatMap((s) => [
    { name: `m.${s.name}`, shape: s.shape, data: optimizer.m.subarray(s.offset, s.offset + s.size) },
    { name: `v.${s.name}`, shape: s.shape, data: optimizer.v.subarray(s.offset, s.offset + s.size) }
  ])
  Safetensors.write(path.join(tmp, "optimizer.safetensors"), moments, { step: String(optimizer.step) })
  fs.writeFileSync(path.join(tmp, "state.json"), JSON.stringify({ ...state, optimizer: optimizer.options }, null, 2) + "\n")
  fs.rmSync(final, { recursive: true, force: true })
  fs.renameSync(tmp, final)
  if (keepLast > 0) for (const old of list(root).slice(0, -keepLast)) fs.rmSync(old, { recursive: true, force: true })
  return final
}

/**
 * Loads a checkpoint: model, optimizer (moments and step) and state; for a LoRA checkpoint, the
 * base model (from `state.base`) with the adapters attached.
 *
 * @since 0.1.0 @category reading
 */
export const load = (dir: string): { readonly model: Model; readonly optimizer: AdamW; readonly state: State; readonly lora: Lora | undefined } => {
  const stateFile = path.join(dir, "state.json")
  let state: State & { optimizer?: Record<string, number> }
  try {
    state = JSON.parse(fs.readFileSync(stateFile, "utf8"))
  } catch (cause) {
    throw new TrainerError({ file: stateFile, reason: `cannot read: ${cause instanceof Error ? cause.message : String(cause)}` })
  }
  const { model, lora } = readTrainable(dir, state.base)
  const specs = lora?.specs ?? model.specs
  const optimizer = new AdamW(specs, lora?.params.size ?? model.params.size, state.optimizer ?? {})
  const file = path.join(dir, "optimizer.safetensors")
  const { tensors, metadata } = Safetensors.read(file)
  const byName = new Map(tensors.map((t) => [t.name, t.data]))
  for (const s of specs) {
    for (const [key, target] of [["m", optimizer.m], ["v", optimizer.v]] as const) {
      const t = byName.get(`${key}.${s.name}`)
      if (!t || t.length !== s.size) throw new TrainerError({ file, position: `${key}.${s.name}`, reason: "missing or mis-sized moment tensor" })
      target.set(t, s.offset)
    }
  }
  optimizer.step = Number(metadata.step ?? state.step)
  return { model, optimizer, state, lora }
}

/**
 * The model of a checkpoint directory; for LoRA adapters, the base (`base`, else the adapter
 * config's `base_model_name_or_path`) with the adapters attached.
 *
 * @since 0.1.0 @category reading
 */
export const readTrainable = (dir: string, base?: string): { readonly model: Model; readonly lora: Lora | undefined } => {
  if (!isAdapterDir(dir)) return { model: readModel(dir), lora: undefined }
  const configFile = path.join(dir, "adapter_config.json")
  const basePath = base ?? (JSON.parse(fs.readFileSync(configFile, "utf8")) as { base_model_name_or_path?: string | null }).base_model_name_or_path
  if (!basePath) throw new TrainerError({ file: configFile, reason: "LoRA adapters without a base model path" })
  const model = readModel(resolve(basePath))
  return { model, lora: Lora.load(dir, model) }
}
