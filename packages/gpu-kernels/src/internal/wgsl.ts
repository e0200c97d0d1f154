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

/** Storage buffers of a kernel, bound after the uniform in this order: reads first, then writes. */
export interface Buffers {
  /** `var<storage, read>` bindings, element type f32 unless written `name: type`. */
  readonly read: ReadonlyArray<string>
  /** `var<storage, read_write>` bindings, element type f32 unless written `name: type`. */
  readonly write: ReadonlyArray<string>
}

const storage = (slot: number, access: string, decl: string): string => {
  const [name, type = "f32"] = decl.split(":").map((s) => s.trim())
  return `@group(0) @binding(${slot}) var<storage, ${access}> ${name}: array<${type}>;`
}

/**
 * The binding layout every kernel here uses: `struct P { fields }` as the uniform at binding 0,
 * then the storage buffers at bindings 1.. (the order `CommandBatch.dispatch` takes them in).
 */
export const layout = (fields: string, buffers: Buffers): string =>
  [
    `struct P { ${fields} }`,
    "@group(0) @binding(0) var<uniform> p: P;",
    ...buffers.read.map((d, i) => storage(i + 1, "read", d)),
    ...buffers.write.map((d, i) => storage(buffers.read.length + i + 1, "read_write", d))
  ].join("\n")

/**
 * Entry point of a one-workgroup-per-row kernel (dispatched over `grid1d(rows, 1)`): brings in
 * the {@link REDUCE} helpers, defines `row` and `l = lid.x`, and returns for rows at or past
 * `rows` (a WGSL expression such as `p.N`): a whole workgroup at once, so the reductions stay in
 * uniform control flow.
 */
export const rowMain = (rows: string, body: string): string => `${REDUCE}
@compute @workgroup_size(${ROW_WG})
fn main(${BUILTINS}) {
  ${ROW_INDEX}
  if (row >= ${rows}) { return; }
  let l = lid.x;
${body}
}`

/** `for (var <v> = l; <cond>; <v> += ROW_WG)`: the strided loop of one lane over a row. */
export const rowLoop = (v: string, cond: string): string => `for (var ${v} = l; ${cond}; ${v} += ${ROW_WG}u)`

/**
 * Entry point of a one-invocation-per-element kernel (dispatched over `grid1d(n, 256)`): defines
 * `i` and returns for `i` at or past `n` (a WGSL expression such as `p.n`).
 */
export const flatMain = (n: string, body: string): string => `@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  ${FLAT_INDEX}
  if (i >= ${n}) { return; }
${body}
}`
