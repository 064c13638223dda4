/** The output arrays of a batch: `into`'s when given (checked for size), fresh ones otherwise. */
export function batchBuffers(
  length: number,
  into?: { inputs: Float32Array; targets: Float32Array },
  zero: { inputs: boolean } = { inputs: true },
): { inputs: Float32Array; targets: Float32Array } {
  if (!into) return { inputs: new Float32Array(length), targets: new Float32Array(length) };
  if (into.inputs.length !== length || into.targets.length !== length) {
    throw new RangeError(
      `into must hold ${length} values in inputs and targets, got ${into.inputs.length} and ${into.targets.length}`,
    );
  }
  // 1D samples add their noise into the buffer, so it must start from zero; a generator that
  // writes every input value may skip the inputs' zeroing.
  if (zero.inputs) into.inputs.fill(0);
  into.targets.fill(0);
  return into;
}
