import { ShapeError } from "../Errors.ts"
import type { DType, Tensor } from "../Tensor.ts"

/** Throws a ShapeError unless `t` has `size` elements (when given) and the dtype. */
export const expect = (op: string, name: string, t: Tensor, size: number | undefined, ...dtypes: ReadonlyArray<DType>): void => {
  const want = dtypes.length === 0 ? ["f32"] : dtypes
  if (!want.includes(t.dtype)) throw new ShapeError({ op, detail: `${name} must be ${want.join(" or ")}, got ${t}` })
  if (size !== undefined && t.size !== size) throw new ShapeError({ op, detail: `${name} must have ${size} elements, got ${t}` })
}

const overlap = (a: Tensor, b: Tensor): boolean =>
  a.byteOffset < b.byteOffset + Math.max(4, b.byteLength) && b.byteOffset < a.byteOffset + Math.max(4, a.byteLength)

/**
 * Throws a ShapeError when an output's buffer is bound again in the same dispatch: WebGPU forbids
 * reading a buffer that a dispatch writes, and two written views of one buffer must not overlap.
 * `all` holds every binding once per use (outputs included).
 */
export const distinct = (op: string, outputs: ReadonlyArray<Tensor>, all: ReadonlyArray<Tensor>): void => {
  for (const o of outputs) {
    const uses = all.filter((t) => t.buffer === o.buffer)
    const clash = uses.some((t) => t !== o && (!outputs.includes(t) || overlap(t, o))) || uses.filter((t) => t === o).length > 1
    if (clash) {
      throw new ShapeError({ op, detail: `${o} is both written and bound again in one dispatch (use a separate output)` })
    }
  }
}

/** Throws unless the value is a positive integer. */
export const positive = (op: string, name: string, n: number): void => {
  if (!Number.isInteger(n) || n <= 0) throw new ShapeError({ op, detail: `${name} must be a positive integer, got ${n}` })
}

/** The number of rows of `C` columns in `inp`; throws a ShapeError unless `inp` is whole rows. */
export const rowsOf = (op: string, inp: Tensor, C: number): number => {
  if (C === 0 || inp.size % C !== 0) throw new ShapeError({ op, detail: `${inp} is not rows of ${C}` })
  return inp.size / C
}

/** Checks a same-size unary op: f32 `inp`, `out` of as many elements, `out` not bound twice. */
export const unary = (op: string, out: Tensor, inp: Tensor): void => {
  expect(op, "out", out, inp.size)
  expect(op, "inp", inp, undefined)
  distinct(op, [out], [inp, out])
}

/**
 * Checks the gradients of a norm over rows of `weight.size` columns (`dout` and `dinp` like `inp`,
 * `dweight` like `weight`) and returns the rows `N` and columns `C`.
 */
export const normBackward = (
  op: string,
  inp: Tensor,
  weight: Tensor,
  dout: Tensor,
  grads: { readonly dinp: Tensor; readonly dweight: Tensor }
): { readonly N: number; readonly C: number } => {
  const C = weight.size
  const N = rowsOf(op, inp, C)
  expect(op, "dout", dout, inp.size)
  expect(op, "dinp", grads.dinp, inp.size)
  expect(op, "dweight", grads.dweight, C)
  return { N, C }
}
