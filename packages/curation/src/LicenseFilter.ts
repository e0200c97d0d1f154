/**
 * License: a Doc's license class is its `license_type` column (The Stack v2, `pretrain ingest
 * node_modules`), else derived from `detected_licenses` with dataflow's SPDX classifier (every
 * license found must be permissive, as in The Stack v2, where a repository with any non-permissive
 * license is `non_permissive`), else `no_license`. The Stack v2 keeps `permissive` and `no_license`.
 *
 * @since 0.1.0
 */
import { NodeModules } from "@pretrain/dataflow"
import type { FileLike, Verdict } from "./Rule.ts"

/** @since 0.1.0 @category models */
export type LicenseType = NodeModules.LicenseType

/** @since 0.1.0 @category models */
export interface Config {
  readonly allow: ReadonlyArray<LicenseType>
}

/** The Stack v2: permissive and no license. @since 0.1.0 @category constants */
export const defaults: Config = { allow: ["permissive", "no_license"] }

const types: ReadonlyArray<string> = ["permissive", "non_permissive", "no_license"]

/**
 * The license class of a Doc.
 *
 * @since 0.1.0 @category utils
 */
export const licenseTypeOf = (doc: FileLike): LicenseType => {
  const given = doc.license_type
  if (typeof given === "string" && types.includes(given)) return given as LicenseType
  const detected = doc.detected_licenses
  if (Array.isArray(detected) && detected.length > 0) {
    const expression = detected.filter((l): l is string => typeof l === "string").map((l) => `(${l})`).join(" AND ")
    return NodeModules.classifyLicenseExpression(expression).licenseType
  }
  return "no_license"
}

/** Drop reason for a license class. @since 0.1.0 @category constants */
export const reasonFor = (type: LicenseType): string => `license:${type}`

/** @since 0.1.0 @category rules */
export const check = (file: FileLike, config: Config = defaults): Verdict => {
  const type = licenseTypeOf(file)
  return config.allow.includes(type) ? true : reasonFor(type)
}

/** @since 0.1.0 @category rules */
export const describe = (file: FileLike, config: Config = defaults): string => {
  const detected = Array.isArray(file.detected_licenses) ? (file.detected_licenses as Array<unknown>).join(", ") : "none"
  return `license ${licenseTypeOf(file)} (detected: ${detected || "none"}; allowed: ${config.allow.join(", ")})`
}
