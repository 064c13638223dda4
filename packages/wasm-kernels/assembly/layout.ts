// Passes over memory that dense layers and vision models otherwise pay a tfjs kernel (or a
// product) for: a bias added to every row, the sums of a matrix's columns, and images cut into
// patch tokens and put back together, each a single pass.

/** out = x + bias for each of `rows` rows of `cols` floats (out may be x). */
export function addRowVector(x: usize, bias: usize, out: usize, rows: i32, cols: i32): void {
  const width = (<usize>cols) << 2;
  for (let i = 0; i < rows; i++) {
    const from = x + <usize>i * width;
    const to = out + <usize>i * width;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = (<usize>j) << 2;
      v128.store(to + o, f32x4.add(v128.load(from + o), v128.load(bias + o)));
    }
    for (; j < cols; j++) {
      const o = (<usize>j) << 2;
      store<f32>(to + o, load<f32>(from + o) + load<f32>(bias + o));
    }
  }
}

/** out[j] = the sum of column j of x, `rows` rows of `cols` floats, summed row by row. */
export function columnSums(x: usize, out: usize, rows: i32, cols: i32): void {
  const width = (<usize>cols) << 2;
  memory.fill(out, 0, width);
  for (let i = 0; i < rows; i++) {
    const from = x + <usize>i * width;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = (<usize>j) << 2;
      v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(from + o)));
    }
    for (; j < cols; j++) {
      const o = (<usize>j) << 2;
      store<f32>(out + o, load<f32>(out + o) + load<f32>(from + o));
    }
  }
}

/**
 * Images [count, height, width, channels] (at `images`) and their patch tokens [count, rows *
 * cols, channels, p, p] (at `tokens`: a patch's values channel by channel, each plane row by row,
 * patches in raster order), either way: `toTokens` writes the tokens, else the images.
 */
export function patchTokens(
  images: usize,
  tokens: usize,
  count: i32,
  height: i32,
  width: i32,
  channels: i32,
  p: i32,
  toTokens: bool,
): void {
  const rows = height / p;
  const cols = width / p;
  const plane = p * p;
  for (let b = 0; b < count; b++)
    for (let r = 0; r < rows; r++)
      for (let y = 0; y < p; y++) {
        // One image row of the patch row r: every patch's row y, channels interleaved.
        const line = images + ((<usize>((b * height + r * p + y) * width * channels)) << 2);
        for (let col = 0; col < cols; col++) {
          const patch = tokens + ((<usize>(((b * rows + r) * cols + col) * channels * plane)) << 2);
          const pixels = line + ((<usize>(col * p * channels)) << 2);
          for (let c = 0; c < channels; c++) {
            const row = patch + ((<usize>(c * plane + y * p)) << 2);
            if (toTokens)
              for (let x = 0; x < p; x++)
                store<f32>(
                  row + ((<usize>x) << 2),
                  load<f32>(pixels + ((<usize>(x * channels + c)) << 2)),
                );
            else
              for (let x = 0; x < p; x++)
                store<f32>(
                  pixels + ((<usize>(x * channels + c)) << 2),
                  load<f32>(row + ((<usize>x) << 2)),
                );
          }
        }
      }
}
