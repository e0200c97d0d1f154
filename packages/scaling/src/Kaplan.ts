/**
 * Kaplan et al. 2020, *Scaling Laws for Neural Language Models* (arXiv:2001.08361). `N` is
 * non-embedding parameters, `C` non-embedding compute; compute in PF-days where the paper uses
 * them (1 PF-day = 8.64e19 FLOPs).
 *
 * @since 0.1.0
 */
import { minimize } from "./internal/Solve.ts"

/** One PF-day in FLOPs. @since 0.1.0 @category constants */
export const pfDay = 8.64e19

/**
 * Constants of the Kaplan laws (eq. 1.1–1.6, Tables 2–3, §5).
 *
 * @since 0.1.0 @category constants
 */
export const constants = {
  /** eq. 1.1: L(N) = (N_c/N)^alpha_N */
  N: { Nc: 8.8e13, alphaN: 0.076 },
  /** eq. 1.2: L(D) = (D_c/D)^alpha_D */
  D: { Dc: 5.4e13, alphaD: 0.095 },
  /** eq. 1.3: L(C_min) = (C_c^min/C_min)^alpha_C^min, C in PF-days */
  Cmin: { Cc: 3.1e8, alphaC: 0.05 },
  /** naive L(C) = (C_c/C)^alpha_C, C in PF-days */
  C: { Cc: 1.6e7, alphaC: 0.057 },
  /** eq. 1.5 / 4.1, Table 2 fit */
  ND: { Nc: 6.4e13, Dc: 1.8e13, alphaN: 0.076, alphaD: 0.103 },
  /** eq. 1.6 / 5.6, Table 3 fit */
  NS: { Nc: 6.5e13, Sc: 2.1e3, alphaN: 0.077, alphaS: 0.76 },
  /** eq. 1.4: B_crit(L) = B_* / L^(1/alpha_B); B_* = 2e8 in eq. 1.4, 2.1e8 in Table 5 */
  batch: { Bstar: 2e8, alphaB: 0.21 }
} as const

/**
 * `L(N) = (N_c/N)^0.076`, N_c = 8.8e13 (eq. 1.1).
 *
 * @since 0.1.0 @category laws
 */
export const lossOfParams = (params: number): number => (constants.N.Nc / params) ** constants.N.alphaN

/**
 * `L(D) = (D_c/D)^0.095`, D_c = 5.4e13 tokens (eq. 1.2).
 *
 * @since 0.1.0 @category laws
 */
export const lossOfTokens = (tokens: number): number => (constants.D.Dc / tokens) ** constants.D.alphaD

/**
 * `L(C_min) = (3.1e8 / C_min)^0.050`, C_min in PF-days (eq. 1.3).
 *
 * @since 0.1.0 @category laws
 */
export const lossOfCompute = (pfDays: number): number => (constants.Cmin.Cc / pfDays) ** constants.Cmin.alphaC

/**
 * `L(N, D) = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D` with Table 2's fit (eq. 1.5 / 4.1).
 *
 * @since 0.1.0 @category laws
 */
export const loss = (params: number, tokens: number): number => {
  const { Nc, Dc, alphaN, alphaD } = constants.ND
  return ((Nc / params) ** (alphaN / alphaD) + Dc / tokens) ** alphaD
}

/**
 * Critical batch size in tokens at loss `L`: `B_* / L^(1/alpha_B)` (eq. 1.4; `L^−4.76`).
 *
 * @since 0.1.0 @category laws
 */
export const criticalBatch = (lossValue: number, Bstar: number = constants.batch.Bstar): number =>
  Bstar / lossValue ** (1 / constants.batch.alphaB)

/**
 * `alpha_C^min = 1/(1/alpha_S + 1/alpha_B + 1/alpha_N)` (eq. 1.8 / B.7; ≈ 0.052 with the paper's
 * exponents).
 *
 * @since 0.1.0 @category laws
 */
export const alphaCmin = (
  alphaS: number = constants.NS.alphaS,
  alphaB: number = constants.batch.alphaB,
  alphaN: number = constants.N.alphaN
): number => 1 / (1 / alphaS + 1 / alphaB + 1 / alphaN)

/**
 * Table 6's compute-efficient allocation for `C_min` PF-days: `N_opt = 1.3e9·C^0.73`,
 * `B = 2.0e6·C^0.24` tokens, `S_min = 5.4e3·C^0.03` steps, `D_opt = 2e10·C^0.27` tokens.
 *
 * @since 0.1.0 @category planners
 */
export const optimal = (pfDays: number) => ({
  params: 1.3e9 * pfDays ** 0.73,
  batchTokens: 2.0e6 * pfDays ** 0.24,
  steps: 5.4e3 * pfDays ** 0.03,
  tokens: 2e10 * pfDays ** 0.27
})

/**
 * The compute frontier of `L(N, D)` (eq. 4.1) under `C = 6·N·D` FLOPs: the loss-minimising
 * parameters and tokens for a budget, found numerically (no closed form).
 *
 * @since 0.1.0 @category planners
 */
export const frontier = (flops: number): { readonly params: number; readonly tokens: number; readonly loss: number } => {
  const best = minimize((logN) => {
    const n = Math.exp(logN)
    return loss(n, flops / (6 * n))
  }, Math.log(1e3), Math.log(Math.max(1e4, flops / 6)), 400)
  const params = Math.exp(best.x)
  return { params, tokens: flops / (6 * params), loss: best.value }
}

/**
 * Total parameters from Kaplan's non-embedding count, `N_T = N_E + 47491·N_E^(1/3)` (Pearce &
 * Song 2024's fit, which reconciles Kaplan's 0.73 exponent with Chinchilla's ~0.5).
 *
 * @since 0.1.0 @category counting
 */
export const totalParams = (nonEmbedding: number): number => nonEmbedding + 47491 * nonEmbedding ** (1 / 3)
