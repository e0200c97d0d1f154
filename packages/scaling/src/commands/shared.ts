/**
 * Pieces shared by the `scaling` subcommands: flags, number formatting and writing an SVG file.
 */
import * as fs from "node:fs"
import { Effect } from "effect"
import { Flag } from "effect/cli"
import { OutputExists, OutputWriteError } from "../Errors.ts"
import { presetNames } from "../Presets.ts"

/** `--json`: print one JSON object. */
export const jsonFlag = Flag.Boolean("json").pipe(Flag.withDescription("print one JSON object"), Flag.withDefault(false))

/** `--preset NAME`. */
export const presetFlag = (fallback: (typeof presetNames)[number]) =>
  Flag.Literals("preset", presetNames).pipe(
    Flag.withDescription(`constants of L(N, D) = E + A/N^alpha + B/D^beta (default ${fallback})`),
    Flag.withDefault(fallback)
  )

/** `--unique-tokens U`. */
export const uniqueTokensFlag = Flag.Finite("unique-tokens").pipe(
  Flag.withDescription("unique tokens available; more training tokens repeat them (Muennighoff et al.)"),
  Flag.optional
)

/** `--svg FILE` and `--force`. */
export const svgFlag = Flag.String("svg").pipe(Flag.withDescription("write a plot to this SVG file"), Flag.optional)
export const forceFlag = Flag.Boolean("force").pipe(Flag.withDescription("overwrite the --svg file if it exists"), Flag.withDefault(false))

/** Write an SVG, refusing to overwrite without `force`. */
export const writeSvg = (file: string, svg: string, force: boolean): Effect.Effect<void, OutputExists | OutputWriteError> =>
  Effect.suspend((): Effect.Effect<void, OutputExists | OutputWriteError> =>
    !force && fs.existsSync(file)
      ? Effect.fail(new OutputExists({ file }))
      : Effect.try({ try: () => fs.writeFileSync(file, svg), catch: (cause) => new OutputWriteError({ file, cause }) })
  )

/** 4 significant figures, exponent form for large and small numbers. */
export const sig = (v: number): string =>
  !Number.isFinite(v) ? String(v) : Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : Number(v.toPrecision(4)).toString()

/** A left-aligned text table. */
export const table = (rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n")
}
