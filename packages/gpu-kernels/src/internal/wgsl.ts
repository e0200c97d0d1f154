/** Shared WGSL fragments. */

/** Workgroup size of the row kernels (one workgroup per row). */
export const ROW_WG = 128

/** Row index of a one-workgroup-per-row kernel dispatched over `grid1d(rows, 1)`. */
export const ROW_INDEX = "let row = wid.x + wid.y * nwg.x;"

/** Flat index of a one-invocation-per-element kernel dispatched over `grid1d(n, 256)`. */
export const FLAT_INDEX = "let i = gid.x + gid.y * nwg.x * 256u;"

/** The builtins both index forms need. */
export const BUILTINS =
  "@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u"

/** Workgroup tree reductions `reduceSum(lid, x)` and `reduceMax(lid, x)`; call in uniform control flow. */
export const REDUCE = `
var<workgroup> red: array<f32, ${ROW_WG}>;
fn reduceSum(l: u32, x: f32) -> f32 {
  red[l] = x;
  workgroupBarrier();
  for (var s = ${ROW_WG / 2}u; s > 0u; s >>= 1u) {
    if (l < s) { red[l] = red[l] + red[l + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}
fn reduceMax(l: u32, x: f32) -> f32 {
  red[l] = x;
  workgroupBarrier();
  for (var s = ${ROW_WG / 2}u; s > 0u; s >>= 1u) {
    if (l < s) { red[l] = max(red[l], red[l + s]); }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}
`

/** The most negative finite f32, used as minus infinity. */
export const NEG_INF = "-3.4028234e38"
