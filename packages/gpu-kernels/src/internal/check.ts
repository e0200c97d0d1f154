import { ShapeError } from "../Errors.ts"
import type { DType, Tensor } from "../Tensor.ts"

/** Throws a ShapeError unless `t` has `size` elements (when given) and the dtype. */
export const expect = (op: string, name: string, t: Tensor, size: number | undefined, ...dtypes: ReadonlyArray<DType>): void => {
  const want = dtypes.length === 0 ? ["f32"] : dtypes
  if (!want.includes(t.dtype)) throw new ShapeError({ op, detail: `${name} must be ${want.join(" or ")}, got ${t}` })
  if (size !== undefined && t.size !== size) throw new ShapeError({ op, detail: `${name} must have ${size} elements, got ${t}` })
}

/** Throws a ShapeError when an output shares its buffer with another binding of the same dispatch. */
export const distinct = (op: string, outputs: ReadonlyArray<Tensor>, all: ReadonlyArray<Tensor>): void => {
  for (const o of outputs) {
    if (all.filter((t) => t.buffer === o.buffer).length > 1) {
      throw new ShapeError({ op, detail: `${o} is both written and bound again in one dispatch (use a separate output)` })
    }
  }
}

/** Throws unless the value is a positive integer. */
export const positive = (op: string, name: string, n: number): void => {
  if (!Number.isInteger(n) || n <= 0) throw new ShapeError({ op, detail: `${name} must be a positive integer, got ${n}` })
}
