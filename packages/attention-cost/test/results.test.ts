import { expect } from '@open-wc/testing';
import { crossoverText, longestCommonLength, theoryRows, type CostPoint } from '../src/results.js';

const point = (variant: CostPoint['variant'], length: number, both: number): CostPoint => ({
  variant,
  length,
  forward: both / 2,
  both,
  peak: 2 ** 20,
  runs: 5,
});

describe('what <attention-cost> reads from its measurements', () => {
  it("draws each variant's theoretical curve through its first point: full 4x per doubling, linformer 2x", () => {
    const points = [point('full', 256, 10), point('linformer', 256, 3)];
    const rows = theoryRows(points, ['full', 'linformer'], [256, 512, 1024], 'backward');
    expect(rows.filter((r) => r.variant === 'full').map((r) => r.ms)).to.deep.equal([10, 40, 160]);
    expect(rows.filter((r) => r.variant === 'linformer').map((r) => r.ms)).to.deep.equal([
      3, 6, 12,
    ]);
    // Memory: full's fused op grows as L, linformer's L k rows as L.
    expect(rows.filter((r) => r.variant === 'full').map((r) => r.mib)).to.deep.equal([1, 2, 4]);
    const forward = theoryRows(points, ['full'], [256, 512], 'forward');
    expect(forward.map((r) => r.ms)).to.deep.equal([5, 20]);
  });

  it('finds the longest length every measured variant reached', () => {
    const points = [
      point('full', 256, 1),
      point('full', 512, 4),
      point('local', 256, 1),
      point('local', 512, 2),
      point('local', 1024, 4),
    ];
    expect(longestCommonLength(points, ['full', 'local', 'sparse'])).to.equal(512);
    expect(longestCommonLength([], ['full'])).to.equal(undefined);
  });

  it('writes crossovers as a reader reads them', () => {
    expect(crossoverText({ length: 1449.6, kind: 'between', how: '' })).to.equal('≈ 1,450');
    expect(crossoverText({ length: 256, kind: 'below', how: '' })).to.equal('≤ 256');
    expect(crossoverText({ length: 9800.2, kind: 'extrapolated', how: '' })).to.equal(
      '≈ 9,800 (extrapolated)',
    );
    expect(crossoverText({ how: 'never' })).to.equal('none measured');
  });
});
