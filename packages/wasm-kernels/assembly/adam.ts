// Adam's update of one variable in one pass, in single precision and in the order of tfjs's own
// element-wise kernels (no fused multiply-add), so the values are theirs: where tfjs runs about
// thirteen kernels per variable and step (a training step of the vision models has about forty
// variables, so about five hundred kernel calls), this is one.

@inline
function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

/**
 * For the n floats of a variable (value, first and second moments m and v, gradient g):
 * m' = m b1 + g c1, v' = v b2 + g g c2, value' = (m' / d1) / (sqrt(v' / d2) + epsilon) * step +
 * value, written to the three outputs. c1 = 1 - b1, c2 = 1 - b2, d1 and d2 the bias corrections
 * (1 - b1^t, 1 - b2^t), step = -learning rate, each as tfjs rounds it to a float.
 */
export function adamUpdate(
  value: usize,
  m: usize,
  v: usize,
  g: usize,
  valueOut: usize,
  mOut: usize,
  vOut: usize,
  n: i32,
  b1: f32,
  c1: f32,
  b2: f32,
  c2: f32,
  d1: f32,
  d2: f32,
  epsilon: f32,
  step: f32,
): void {
  const whole = n & ~3;
  const vb1 = f32x4.splat(b1);
  const vc1 = f32x4.splat(c1);
  const vb2 = f32x4.splat(b2);
  const vc2 = f32x4.splat(c2);
  const vd1 = f32x4.splat(d1);
  const vd2 = f32x4.splat(d2);
  const ve = f32x4.splat(epsilon);
  const vs = f32x4.splat(step);
  let i = 0;
  for (; i < whole; i += 4) {
    const grad = v128.load(at(g, i));
    const first = f32x4.add(f32x4.mul(v128.load(at(m, i)), vb1), f32x4.mul(grad, vc1));
    const second = f32x4.add(
      f32x4.mul(v128.load(at(v, i)), vb2),
      f32x4.mul(f32x4.mul(grad, grad), vc2),
    );
    v128.store(at(mOut, i), first);
    v128.store(at(vOut, i), second);
    const ratio = f32x4.div(
      f32x4.div(first, vd1),
      f32x4.add(f32x4.sqrt(f32x4.div(second, vd2)), ve),
    );
    v128.store(at(valueOut, i), f32x4.add(f32x4.mul(ratio, vs), v128.load(at(value, i))));
  }
  for (; i < n; i++) {
    const grad = load<f32>(at(g, i));
    const first = load<f32>(at(m, i)) * b1 + grad * c1;
    const second = load<f32>(at(v, i)) * b2 + grad * grad * c2;
    store<f32>(at(mOut, i), first);
    store<f32>(at(vOut, i), second);
    const ratio = first / d1 / (Mathf.sqrt(second / d2) + epsilon);
    store<f32>(at(valueOut, i), ratio * step + load<f32>(at(value, i)));
  }
}
