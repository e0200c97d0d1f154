/**
 * Fused softmax + cross-entropy over rows of V logits: per row one workgroup computes the max, the
 * log-sum-exp, the loss `lse - logit[target]`, and (optionally, in the same pass) the logits'
 * gradient `(softmax - onehot(target)) * dloss`, accumulated like llm.c's fused classifier.
 * Targets are u32, or i32 where a negative target marks a position without one (a document's last
 * token, padding): its loss is 0 and its logits get no gradient.
 *
 * @since 0.1.0
 */
import { type CommandBatch, grid1d, type Kernel } from "./Batch.ts"
import { ShapeError } from "./Errors.ts"
import { distinct, expect } from "./internal/check.ts"
import { layout, NEG_INF, rowLoop, rowMain } from "./internal/wgsl.ts"
import type { Tensor } from "./Tensor.ts"

const EACH_V = rowLoop("v", "v < p.V")

const kernel = (withGrad: boolean): Kernel => ({
  name: withGrad ? "cross_entropy_forward_backward" : "cross_entropy_forward",
  code: `
${layout("N: u32, V: u32, dloss: f32", { read: ["logits", "targets: i32"], write: withGrad ? ["losses", "dlogits"] : ["losses"] })}
${rowMain(
  "p.N",
  `
  // a negative target: no loss and no gradient (the whole workgroup leaves together)
  if (targets[row] < 0) {
    if (l == 0u) { losses[row] = 0.0; }
    return;
  }
  let o = row * p.V;
  var m = ${NEG_INF};
  ${EACH_V} { m = max(m, logits[o + v]); }
  m = reduceMax(l, m);
  var s = 0.0;
  ${EACH_V} { s += exp(logits[o + v] - m); }
  s = reduceSum(l, s);
  let tgt = min(u32(targets[row]), p.V - 1u);
  if (l == 0u) { losses[row] = log(s) + m - logits[o + tgt]; }
  ${
    withGrad
      ? `${EACH_V} {
    let prob = exp(logits[o + v] - m) / s;
    dlogits[o + v] = dlogits[o + v] + (prob - select(0.0, 1.0, v == tgt)) * p.dloss;
  }`
      : ""
  }`
)}
`
})
const FORWARD = kernel(false)
const FORWARD_BACKWARD = kernel(true)

const dims = (op: string, logits: Tensor, targets: Tensor, losses: Tensor) => {
  const N = targets.size
  expect(op, "targets", targets, undefined, "u32", "i32")
  if (N === 0 || logits.size % N !== 0) throw new ShapeError({ op, detail: `logits ${logits} are not ${N} rows` })
  expect(op, "losses", losses, N)
  return { N, V: logits.size / N }
}

/**
 * Records `losses[n] = -log softmax(logits[n])[targets[n]]` (`logits` [N, V], `targets` [N] u32 or
 * i32; 0 where a target is negative).
 *
 * @since 0.1.0 @category kernels
 */
export const forward = (batch: CommandBatch, losses: Tensor, logits: Tensor, targets: Tensor): void => {
  const { N, V } = dims("CrossEntropy.forward", logits, targets, losses)
  distinct("CrossEntropy.forward", [losses], [logits, targets, losses])
  batch.dispatch(FORWARD, [logits, targets, losses], [N, V, { f32: 0 }], grid1d(N, 1))
}

/**
 * Records the losses and, in the same pass, `dlogits += (softmax - onehot) * dloss` (use
 * `dloss = 1 / N` for the gradient of the mean loss, or one over the number of non-negative targets).
 *
 * @since 0.1.0 @category kernels
 */
export const forwardBackward = (
  batch: CommandBatch,
  losses: Tensor,
  dlogits: Tensor,
  logits: Tensor,
  targets: Tensor,
  dloss: number
): void => {
  const { N, V } = dims("CrossEntropy.forwardBackward", logits, targets, losses)
  expect("CrossEntropy.forwardBackward", "dlogits", dlogits, logits.size)
  distinct("CrossEntropy.forwardBackward", [losses, dlogits], [logits, targets, losses, dlogits])
  batch.dispatch(FORWARD_BACKWARD, [logits, targets, losses, dlogits], [N, V, { f32: dloss }], grid1d(N, 1))
}
