/** One fused-attention test case: operands row-major, `lead` (batch, heads) pairs of them. */
export interface AttentionCase {
  lead: number[];
  lq: number;
  lk: number;
  d: number;
  dv: number;
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  /** The weights of the loss sum(O * w), whose gradients are checked. */
  w: Float32Array;
  /** Additive, lq x lk. */
  mask?: Float32Array;
}

/**
 * softmax(q k^T + mask) v and the gradients of sum(O * w) in q, k and v, in float64 from the
 * textbook formulas: P = softmax(S), dV = P^T dO, dP = dO V^T, dS = P (dP - rowsum(dP P)),
 * dQ = dS K, dK = dS^T Q.
 */
export function referenceAttention(c: AttentionCase) {
  const { lq, lk, d, dv } = c;
  const pairs = c.lead.reduce((p, x) => p * x, 1);
  const o = new Float64Array(pairs * lq * dv);
  const dq = new Float64Array(pairs * lq * d);
  const dk = new Float64Array(pairs * lk * d);
  const dV = new Float64Array(pairs * lk * dv);
  for (let b = 0; b < pairs; b++) {
    const [qo, ko, vo, oo] = [b * lq * d, b * lk * d, b * lk * dv, b * lq * dv];
    for (let i = 0; i < lq; i++) {
      const p = new Float64Array(lk);
      let high = -Infinity;
      for (let j = 0; j < lk; j++) {
        let s = 0;
        for (let x = 0; x < d; x++) s += c.q[qo + i * d + x] * c.k[ko + j * d + x];
        // In float32, as the layers add it: a score plus -1e9 is -1e9.
        p[j] = c.mask ? Math.fround(Math.fround(s) + c.mask[i * lk + j]) : s;
        high = Math.max(high, p[j]);
      }
      let sum = 0;
      for (let j = 0; j < lk; j++) sum += p[j] = Math.exp(p[j] - high);
      for (let j = 0; j < lk; j++) p[j] /= sum;
      for (let y = 0; y < dv; y++) {
        let acc = 0;
        for (let j = 0; j < lk; j++) acc += p[j] * c.v[vo + j * dv + y];
        o[oo + i * dv + y] = acc;
      }
      // dO = w for the loss sum(O * w).
      const dO = c.w.subarray(oo + i * dv, oo + (i + 1) * dv);
      const dp = new Float64Array(lk);
      let rowD = 0;
      for (let j = 0; j < lk; j++) {
        for (let y = 0; y < dv; y++) {
          dp[j] += dO[y] * c.v[vo + j * dv + y];
          dV[vo + j * dv + y] += p[j] * dO[y];
        }
        rowD += dp[j] * p[j];
      }
      for (let j = 0; j < lk; j++) {
        const ds = p[j] * (dp[j] - rowD);
        for (let x = 0; x < d; x++) {
          dq[qo + i * d + x] += ds * c.k[ko + j * d + x];
          dk[ko + j * d + x] += ds * c.q[qo + i * d + x];
        }
      }
    }
  }
  return { o, dq, dk, dv: dV };
}
