/**
 * The WebAssembly text of the CPU compute core: a 6x8 register-blocked SIMD matmul micro-kernel
 * (12 f32x4 accumulators, fused multiply-add through relaxed SIMD) and the panel packing routines
 * that feed it. Assembled at load time by `Wasm.ts`.
 *
 * Packed layouts: an A panel holds 6 rows as `[k][6]`, a B panel 8 columns as `[k][8]`; rows and
 * columns past the matrix edge are zero, so the kernel never branches on edges.
 */

/** Rows of the micro-tile. */
export const MR = 6
/** Columns of the micro-tile (two f32x4 vectors). */
export const NR = 8

const range = (n: number): Array<number> => Array.from({ length: n }, (_, i) => i)

const accumulators = range(MR).flatMap((i) => [`(local $c${i}0 v128)`, `(local $c${i}1 v128)`]).join(" ")

const kernelBody = range(MR).map((i) => `
      (local.set $a (v128.load32_splat offset=${i * 4} (local.get $ap)))
      (local.set $c${i}0 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c${i}0)))
      (local.set $c${i}1 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c${i}1)))`).join("")

const kernelStore = range(MR).map((i) => `
    (if (local.get $acc) (then
      (local.set $c${i}0 (f32x4.add (local.get $c${i}0) (v128.load (local.get $p))))
      (local.set $c${i}1 (f32x4.add (local.get $c${i}1) (v128.load offset=16 (local.get $p))))))
    (v128.store (local.get $p) (local.get $c${i}0))
    (v128.store offset=16 (local.get $p) (local.get $c${i}1))
    (local.set $p (i32.add (local.get $p) (local.get $ldc)))`).join("")

/** Copies `width` contiguous floats from `$rowPtr` to `$dst` with vector and 64-bit moves. */
const contiguousCopy = (width: number): string =>
  range(Math.floor(width / 4)).map((v) => `(v128.store offset=${v * 16} (local.get $dst) (v128.load offset=${v * 16} (local.get $rowPtr)))`)
    .concat(width % 4 === 2 ? [`(i64.store offset=${(width - 2) * 4} (local.get $dst) (i64.load offset=${(width - 2) * 4} (local.get $rowPtr)))`] : [])
    .join(" ")

/** Copies a full panel column: `width` floats `$rs` bytes apart (offsets precomputed in `$o1..`) to `$dst`. */
const stridedCopy = (width: number): string =>
  range(width).map((i) =>
    `(f32.store offset=${i * 4} (local.get $dst) (f32.load ${i === 0 ? "(local.get $rowPtr)" : `(i32.add (local.get $rowPtr) (local.get $o${i}))`}))`
  ).join(" ")

/** Packs `rows x k` elements (element (i, kk) at `src + i*rs + kk*cs`, byte strides) into panels of `width`. */
const packFunction = (name: string, width: number) => `
  (func (export "${name}") (param $src i32) (param $rs i32) (param $cs i32) (param $rows i32) (param $k i32) (param $dst i32)
    (local $p i32) (local $kk i32) (local $i i32) (local $n i32) (local $rowPtr i32) (local $ptr i32)
    ${range(width).slice(1).map((i) => `(local $o${i} i32)`).join(" ")}
    ${range(width).slice(1).map((i) => `(local.set $o${i} (i32.mul (local.get $rs) (i32.const ${i})))`).join(" ")}
    (block $pd (loop $pl
      (br_if $pd (i32.ge_s (local.get $p) (local.get $rows)))
      (local.set $n (i32.sub (local.get $rows) (local.get $p)))
      (if (i32.gt_s (local.get $n) (i32.const ${width})) (then (local.set $n (i32.const ${width}))))
      (local.set $rowPtr (i32.add (local.get $src) (i32.mul (local.get $p) (local.get $rs))))
      (local.set $kk (i32.const 0))
      (block $kd (loop $kl
        (br_if $kd (i32.ge_s (local.get $kk) (local.get $k)))
        (if (i32.and (i32.eq (local.get $rs) (i32.const 4)) (i32.eq (local.get $n) (i32.const ${width})))
          (then
            ${contiguousCopy(width)})
          (else (if (i32.eq (local.get $n) (i32.const ${width}))
          (then
            ${stridedCopy(width)})
          (else
            (local.set $ptr (local.get $rowPtr))
            (local.set $i (i32.const 0))
            (block $id (loop $il
              (br_if $id (i32.ge_s (local.get $i) (i32.const ${width})))
              (if (i32.lt_s (local.get $i) (local.get $n))
                (then (f32.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2))) (f32.load (local.get $ptr))))
                (else (f32.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2))) (f32.const 0))))
              (local.set $ptr (i32.add (local.get $ptr) (local.get $rs)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $il)))))))
        (local.set $dst (i32.add (local.get $dst) (i32.const ${width * 4})))
        (local.set $rowPtr (i32.add (local.get $rowPtr) (local.get $cs)))
        (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
        (br $kl)))
      (local.set $p (i32.add (local.get $p) (i32.const ${width})))
      (br $pl))))`

/**
 * `exp` of four lanes (Cephes' expf: range reduction by ln 2 in two parts, degree-5 polynomial,
 * scaling by 2^n through the exponent bits); relative error about 1e-7. Inputs are clamped to
 * [-87.3, 88.7].
 */
const expFunction = `
  (func $exp4 (param $x v128) (result v128)
    (local $fx v128) (local $y v128) (local $z v128)
    (local.set $x (f32x4.min (f32x4.max (local.get $x) (f32x4.splat (f32.const -87.3))) (f32x4.splat (f32.const 88.7))))
    (local.set $fx (f32x4.nearest (f32x4.mul (local.get $x) (f32x4.splat (f32.const 1.44269504088896341)))))
    (local.set $x (f32x4.sub (local.get $x) (f32x4.mul (local.get $fx) (f32x4.splat (f32.const 0.693359375)))))
    (local.set $x (f32x4.sub (local.get $x) (f32x4.mul (local.get $fx) (f32x4.splat (f32.const -2.12194440e-4)))))
    (local.set $z (f32x4.mul (local.get $x) (local.get $x)))
    (local.set $y (f32x4.splat (f32.const 1.9875691500e-4)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x)) (f32x4.splat (f32.const 1.3981999507e-3))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x)) (f32x4.splat (f32.const 8.3334519073e-3))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x)) (f32x4.splat (f32.const 4.1665795894e-2))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x)) (f32x4.splat (f32.const 1.6666665459e-1))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x)) (f32x4.splat (f32.const 5.0000001201e-1))))
    (local.set $y (f32x4.add (f32x4.add (f32x4.mul (local.get $y) (local.get $z)) (local.get $x)) (f32x4.splat (f32.const 1))))
    (f32x4.mul (local.get $y)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $fx)) (i32x4.splat (i32.const 127))) (i32.const 23))))

  ;; x[i] = exp(a * x[i] + b) over 4 * n4 floats at ptr; returns their sum.
  (func (export "exp_affine_sum") (param $ptr i32) (param $n4 i32) (param $a f32) (param $b f32) (result f32)
    (local $end i32) (local $acc v128) (local $e v128) (local $va v128) (local $vb v128)
    (local.set $va (f32x4.splat (local.get $a)))
    (local.set $vb (f32x4.splat (local.get $b)))
    (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $n4) (i32.const 4))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
      (local.set $e (call $exp4 (f32x4.add (f32x4.mul (v128.load (local.get $ptr)) (local.get $va)) (local.get $vb))))
      (v128.store (local.get $ptr) (local.get $e))
      (local.set $acc (f32x4.add (local.get $acc) (local.get $e)))
      (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
      (br $l)))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
      (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))

;; SiLU-gated product over 4 * n4 floats: s = sigmoid(g), sig = s, out = g * s * u.
  (func (export "silu_mul") (param $out i32) (param $sig i32) (param $g i32) (param $u i32) (param $n4 i32)
    (local $end i32) (local $x v128) (local $s v128)
    (local.set $end (i32.add (local.get $g) (i32.shl (local.get $n4) (i32.const 4))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $g) (local.get $end)))
      (local.set $x (v128.load (local.get $g)))
      (local.set $s (f32x4.div (f32x4.splat (f32.const 1)) (f32x4.add (f32x4.splat (f32.const 1)) (call $exp4 (f32x4.neg (local.get $x))))))
      (v128.store (local.get $sig) (local.get $s))
      (v128.store (local.get $out) (f32x4.mul (f32x4.mul (local.get $x) (local.get $s)) (v128.load (local.get $u))))
      (local.set $g (i32.add (local.get $g) (i32.const 16)))
      (local.set $u (i32.add (local.get $u) (i32.const 16)))
      (local.set $sig (i32.add (local.get $sig) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $l))))

  ;; GELU (tanh form) over 4 * n4 floats: out = 0.5 x (1 + t), th = t = tanh(sqrt(2/pi) (x + 0.044715 x^3)).
  (func (export "gelu_forward") (param $out i32) (param $th i32) (param $inp i32) (param $n4 i32)
    (local $end i32) (local $x v128) (local $t v128) (local $u v128)
    (local.set $end (i32.add (local.get $inp) (i32.shl (local.get $n4) (i32.const 4))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $inp) (local.get $end)))
      (local.set $x (v128.load (local.get $inp)))
      (local.set $u (f32x4.mul (f32x4.splat (f32.const 1.5957691216057308))
        (f32x4.add (local.get $x) (f32x4.mul (f32x4.splat (f32.const 0.044715)) (f32x4.mul (local.get $x) (f32x4.mul (local.get $x) (local.get $x)))))))
      (local.set $t (f32x4.sub (f32x4.splat (f32.const 1))
        (f32x4.div (f32x4.splat (f32.const 2)) (f32x4.add (call $exp4 (local.get $u)) (f32x4.splat (f32.const 1))))))
      (v128.store (local.get $th) (local.get $t))
      (v128.store (local.get $out) (f32x4.mul (f32x4.mul (f32x4.splat (f32.const 0.5)) (local.get $x)) (f32x4.add (f32x4.splat (f32.const 1)) (local.get $t))))
      (local.set $inp (i32.add (local.get $inp) (i32.const 16)))
      (local.set $th (i32.add (local.get $th) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $l))))
`

/** The module: imports `env.memory`, exports `pack_a`, `pack_b`, `kernel`. */
export const kernelsWat = `
(module
  (import "env" "memory" (memory 1 65536))
  ${expFunction}
  ${packFunction("pack_a", MR)}
  ${packFunction("pack_b", NR)}
  ;; C[6x8] (+)= Apanel[k][6] * Bpanel[k][8]; C rows ldc bytes apart.
  (func (export "kernel") (param $ap i32) (param $bp i32) (param $k i32) (param $c i32) (param $ldc i32) (param $acc i32)
    (local $a v128) (local $b0 v128) (local $b1 v128) ${accumulators} (local $end i32) (local $p i32)
    (local.set $end (i32.add (local.get $bp) (i32.shl (local.get $k) (i32.const 5))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $bp) (local.get $end)))
      (local.set $b0 (v128.load (local.get $bp)))
      (local.set $b1 (v128.load offset=16 (local.get $bp)))${kernelBody}
      (local.set $ap (i32.add (local.get $ap) (i32.const ${MR * 4})))
      (local.set $bp (i32.add (local.get $bp) (i32.const ${NR * 4})))
      (br $l)))
    (local.set $p (local.get $c))${kernelStore}))
`
