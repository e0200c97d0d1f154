import * as path from "node:path"
import { expect } from "vitest"

/** The shared data folder beside the repository. */
export const sharedData = (file: string) => path.resolve(import.meta.dirname, "../../../../shared/data", file)

/** `actual` equals `expected` to `digits` significant figures. */
export const expectSig = (actual: number, expected: number, digits = 4) =>
  expect(Number(actual.toPrecision(digits))).toBe(Number(expected.toPrecision(digits)))

/** Relative difference at most `tolerance`. */
export const expectRel = (actual: number, expected: number, tolerance: number) =>
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(tolerance)
