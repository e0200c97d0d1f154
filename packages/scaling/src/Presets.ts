/**
 * Named constant sets for the parametric law `L(N, D) = E + A/N^alpha + B/D^beta`, each with its
 * source. Three Chinchilla sets circulate and give strongly different allocations, so every API
 * takes the constants explicitly and the CLI names the preset.
 *
 * @since 0.1.0
 */
import { lawFromLogSpace } from "./internal/LogSpace.ts"
import type { LossLaw } from "./Law.ts"

/**
 * Data-constrained constants of Muennighoff et al. 2023 (§5): the number of repetitions after
 * which repeated tokens (`RDStar`) and excess parameters (`RNStar`) have lost `1 − 1/e` of their
 * value.
 *
 * @since 0.1.0 @category models
 */
export interface RepetitionConstants {
  readonly RDStar: number
  readonly RNStar: number
}

/**
 * A named constant set: the law, where it comes from and, for the data-constrained fit, its
 * repetition constants.
 *
 * @since 0.1.0 @category models
 */
export interface Preset {
  readonly name: PresetName
  readonly law: LossLaw
  readonly repetition?: RepetitionConstants | undefined
  readonly source: string
}

/** @since 0.1.0 @category models */
export type PresetName = "chinchilla" | "chinchilla-unrounded" | "epoch" | "beyond-chinchilla" | "muennighoff"

/**
 * Chinchilla as printed (Hoffmann et al. 2022, App. D.2 eq. 10): E 1.69, A 406.4, B 410.7,
 * alpha 0.34, beta 0.28.
 *
 * @since 0.1.0 @category presets
 */
export const chinchilla: LossLaw = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 }

/**
 * Chinchilla unrounded: the log-space values of the paper's TeX source
 * `[a, b, e, alpha, beta] = [6.0073404, 6.0179186, 0.5267228, 0.33917084, 0.2849083]`, as used in
 * Epoch AI's notebook.
 *
 * @since 0.1.0 @category presets
 */
export const chinchillaUnrounded: LossLaw = lawFromLogSpace([6.0073404, 6.0179186, 0.5267228, 0.33917084, 0.2849083])

/**
 * Epoch AI's replication (Besiroglu et al. 2024, arXiv:2404.10102): the maximum-likelihood fit of
 * the 240 points reconstructed from Chinchilla's Figure 4, log-space
 * `[6.17795598, 7.64273236, 0.59711196, 0.34781303, 0.36585412]` (A ≈ 482.01, B ≈ 2085.43,
 * E ≈ 1.8169, alpha ≈ 0.3478, beta ≈ 0.3659).
 *
 * @since 0.1.0 @category presets
 */
export const epoch: LossLaw = lawFromLogSpace([6.17795598, 7.64273236, 0.59711196, 0.34781303, 0.36585412])

/**
 * The defaults of Sardana et al. 2024 (`nikhilsardana/beyond-chinchilla`, `utils.py`): E 1.69,
 * A 406.4, B 410.7, alpha 0.336, beta 0.283; the set that reproduces the paper's examples.
 *
 * @since 0.1.0 @category presets
 */
export const beyondChinchilla: LossLaw = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.336, beta: 0.283 }

/**
 * Muennighoff et al. 2023's data-constrained fit on C4 (datablations README "Parametric Fit"):
 * log-space `[a, b, e, alpha, beta] = [6.255414, 7.3049974, 0.6254804, 0.3526596, 0.3526596]`
 * (alpha and beta tied).
 *
 * @since 0.1.0 @category presets
 */
export const muennighoff: LossLaw = lawFromLogSpace([6.255414, 7.3049974, 0.6254804, 0.3526596, 0.3526596])

/**
 * Muennighoff et al.'s repetition constants: R_D* = 15.387756, R_N* = 5.309743.
 *
 * @since 0.1.0 @category presets
 */
export const muennighoffRepetition: RepetitionConstants = { RDStar: 15.387756, RNStar: 5.309743 }

/**
 * Every preset by its CLI name.
 *
 * @since 0.1.0 @category presets
 */
export const presets: { readonly [K in PresetName]: Preset } = {
  chinchilla: {
    name: "chinchilla",
    law: chinchilla,
    source: "Hoffmann et al. 2022, App. D.2 eq. (10), as printed"
  },
  "chinchilla-unrounded": {
    name: "chinchilla-unrounded",
    law: chinchillaUnrounded,
    source: "Hoffmann et al. 2022, TeX source values (Epoch AI notebook)"
  },
  epoch: {
    name: "epoch",
    law: epoch,
    source: "Besiroglu et al. 2024 (Epoch AI), arXiv:2404.10102"
  },
  "beyond-chinchilla": {
    name: "beyond-chinchilla",
    law: beyondChinchilla,
    source: "Sardana et al. 2024, nikhilsardana/beyond-chinchilla utils.py defaults"
  },
  muennighoff: {
    name: "muennighoff",
    law: muennighoff,
    repetition: muennighoffRepetition,
    source: "Muennighoff et al. 2023, huggingface/datablations README (C4 fit)"
  }
}

/** @since 0.1.0 @category presets */
export const presetNames: ReadonlyArray<PresetName> = Object.keys(presets) as Array<PresetName>

/**
 * Look a preset up by name; `undefined` for an unknown name.
 *
 * @since 0.1.0 @category presets
 */
export const byName = (name: string): Preset | undefined =>
  Object.hasOwn(presets, name) ? presets[name as PresetName] : undefined
