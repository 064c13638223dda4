// Layer normalisation over the last axis, y = (x - mean) r gamma + beta with r = 1 / sqrt(var +
// epsilon), and its gradient, four values at a time: one pass over a row each way (two reads),
// where tfjs runs about ten element-wise kernels and reductions over the whole tensor forward
// and about fifteen backward. Each row's mean and r are kept (two floats a row) instead of the
// normalised x: the backward pass recomputes it from x.

/** The four lanes of v, added. */
@inline
function sum4(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) +
    f32x4.extract_lane(v, 1) +
    (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3))
  );
}

@inline
function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

/**
 * For each of `rows` rows of `cols` floats at x: y = (x - mean) r gamma + beta, and stats (two
 * floats a row) = mean, r.
 */
export function layerNormForward(
  x: usize,
  gamma: usize,
  beta: usize,
  y: usize,
  stats: usize,
  rows: i32,
  cols: i32,
  epsilon: f32,
): void {
  const whole = cols & ~3;
  const scale = <f32>1 / <f32>cols;
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * <usize>cols) << 2);
    const out = y + ((<usize>r * <usize>cols) << 2);
    let acc = f32x4.splat(0);
    let c = 0;
    for (; c < whole; c += 4) acc = f32x4.add(acc, v128.load(at(row, c)));
    let sum = sum4(acc);
    for (; c < cols; c++) sum += load<f32>(at(row, c));
    const mean = sum * scale;
    const m = f32x4.splat(mean);
    acc = f32x4.splat(0);
    for (c = 0; c < whole; c += 4) {
      const d = f32x4.sub(v128.load(at(row, c)), m);
      acc = f32x4.add(acc, f32x4.mul(d, d));
    }
    let squares = sum4(acc);
    for (; c < cols; c++) {
      const d = load<f32>(at(row, c)) - mean;
      squares += d * d;
    }
    const rstd = <f32>1 / Mathf.sqrt(squares * scale + epsilon);
    store<f32>(at(stats, 2 * r), mean);
    store<f32>(at(stats, 2 * r + 1), rstd);
    const s = f32x4.splat(rstd);
    for (c = 0; c < whole; c += 4) {
      const n = f32x4.mul(f32x4.sub(v128.load(at(row, c)), m), s);
      v128.store(
        at(out, c),
        f32x4.add(f32x4.mul(n, v128.load(at(gamma, c))), v128.load(at(beta, c))),
      );
    }
    for (; c < cols; c++) {
      const n = (load<f32>(at(row, c)) - mean) * rstd;
      store<f32>(at(out, c), n * load<f32>(at(gamma, c)) + load<f32>(at(beta, c)));
    }
  }
}

/**
 * The gradient of layerNormForward for dy at `dy`: with n the normalised x and dn = dy gamma,
 * dx = r (dn - mean(dn) - n mean(dn n)) for every row; dgamma = sum over rows of dy n and
 * dbeta = sum over rows of dy (each `cols` floats, overwritten).
 */
export function layerNormBackward(
  x: usize,
  gamma: usize,
  stats: usize,
  dy: usize,
  dx: usize,
  dgamma: usize,
  dbeta: usize,
  rows: i32,
  cols: i32,
): void {
  const whole = cols & ~3;
  const scale = <f32>1 / <f32>cols;
  memory.fill(dgamma, 0, <usize>cols << 2);
  memory.fill(dbeta, 0, <usize>cols << 2);
  for (let r = 0; r < rows; r++) {
    const offset = (<usize>r * <usize>cols) << 2;
    const row = x + offset;
    const grad = dy + offset;
    const out = dx + offset;
    const mean = load<f32>(at(stats, 2 * r));
    const rstd = load<f32>(at(stats, 2 * r + 1));
    const m = f32x4.splat(mean);
    const s = f32x4.splat(rstd);
    let acc1 = f32x4.splat(0);
    let acc2 = f32x4.splat(0);
    let c = 0;
    for (; c < whole; c += 4) {
      const n = f32x4.mul(f32x4.sub(v128.load(at(row, c)), m), s);
      const d = v128.load(at(grad, c));
      const dn = f32x4.mul(d, v128.load(at(gamma, c)));
      acc1 = f32x4.add(acc1, dn);
      acc2 = f32x4.add(acc2, f32x4.mul(dn, n));
      v128.store(at(dgamma, c), f32x4.add(v128.load(at(dgamma, c)), f32x4.mul(d, n)));
      v128.store(at(dbeta, c), f32x4.add(v128.load(at(dbeta, c)), d));
    }
    let sumDn = sum4(acc1);
    let sumDnN = sum4(acc2);
    for (; c < cols; c++) {
      const n = (load<f32>(at(row, c)) - mean) * rstd;
      const d = load<f32>(at(grad, c));
      const dn = d * load<f32>(at(gamma, c));
      sumDn += dn;
      sumDnN += dn * n;
      store<f32>(at(dgamma, c), load<f32>(at(dgamma, c)) + d * n);
      store<f32>(at(dbeta, c), load<f32>(at(dbeta, c)) + d);
    }
    const meanDn = sumDn * scale;
    const meanDnN = sumDnN * scale;
    const a = f32x4.splat(meanDn);
    const b = f32x4.splat(meanDnN);
    for (c = 0; c < whole; c += 4) {
      const n = f32x4.mul(f32x4.sub(v128.load(at(row, c)), m), s);
      const dn = f32x4.mul(v128.load(at(grad, c)), v128.load(at(gamma, c)));
      v128.store(at(out, c), f32x4.mul(s, f32x4.sub(f32x4.sub(dn, a), f32x4.mul(n, b))));
    }
    for (; c < cols; c++) {
      const n = (load<f32>(at(row, c)) - mean) * rstd;
      const dn = load<f32>(at(grad, c)) * load<f32>(at(gamma, c));
      store<f32>(at(out, c), rstd * (dn - meanDn - n * meanDnN));
    }
  }
}
