/**
 * Marching squares: the segments where a sampled field crosses `level`, with linear
 * interpolation along cell edges. `values[j][i]` is the field at `(xs[i], ys[j])`.
 */
export const contourSegments = (
  xs: ReadonlyArray<number>,
  ys: ReadonlyArray<number>,
  values: ReadonlyArray<ReadonlyArray<number>>,
  level: number
): Array<readonly [readonly [number, number], readonly [number, number]]> => {
  const out: Array<readonly [readonly [number, number], readonly [number, number]]> = []
  const lerp = (a: number, b: number, va: number, vb: number) => a + ((level - va) / (vb - va)) * (b - a)
  for (let j = 0; j + 1 < ys.length; j++) {
    for (let i = 0; i + 1 < xs.length; i++) {
      const v00 = values[j]![i]!
      const v10 = values[j]![i + 1]!
      const v01 = values[j + 1]![i]!
      const v11 = values[j + 1]![i + 1]!
      const x0 = xs[i]!
      const x1 = xs[i + 1]!
      const y0 = ys[j]!
      const y1 = ys[j + 1]!
      // crossing points on the four edges: bottom, right, top, left
      const points: Array<readonly [number, number]> = []
      if ((v00 < level) !== (v10 < level)) points.push([lerp(x0, x1, v00, v10), y0])
      if ((v10 < level) !== (v11 < level)) points.push([x1, lerp(y0, y1, v10, v11)])
      if ((v01 < level) !== (v11 < level)) points.push([lerp(x0, x1, v01, v11), y1])
      if ((v00 < level) !== (v01 < level)) points.push([x0, lerp(y0, y1, v00, v01)])
      if (points.length === 2) out.push([points[0]!, points[1]!])
      else if (points.length === 4) {
        out.push([points[0]!, points[1]!])
        out.push([points[2]!, points[3]!])
      }
    }
  }
  return out
}
