import { expect } from '@open-wc/testing';
import { SeededRandom, portableExp, portableLog, sampleSeed } from '../src/index.js';

describe('SeededRandom', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const draw = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 8 }, () => random.nextUint32());
    };
    expect(draw(7)).to.deep.equal(draw(7));
    expect(draw(7)).not.to.deep.equal(draw(8));
    expect(draw(-7)).not.to.deep.equal(draw(7));
  });

  it('draws integers over the whole inclusive range, uniformly', () => {
    const random = new SeededRandom(1);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[random.integer(10, 15) - 10] += 1;
    for (const count of counts) expect(count).to.be.within(9_500, 10_500);
  });

  it('draws standard normal variates: mean 0, variance 1, the right tails', () => {
    const random = new SeededRandom(2);
    const n = 400_000;
    let sum = 0;
    let squares = 0;
    let beyondTwo = 0;
    let beyondThree = 0;
    for (let i = 0; i < n; i++) {
      const x = random.gaussian();
      sum += x;
      squares += x * x;
      if (Math.abs(x) > 2) beyondTwo++;
      if (Math.abs(x) > 3) beyondThree++;
    }
    expect(sum / n).to.be.closeTo(0, 0.01);
    expect(squares / n).to.be.closeTo(1, 0.01);
    // P(|X| > 2) = 0.0455, P(|X| > 3) = 0.0027 for a standard normal.
    expect(beyondTwo / n).to.be.closeTo(0.0455, 0.002);
    expect(beyondThree / n).to.be.closeTo(0.0027, 0.0004);
  });

  it('fills an array with exactly the variates gaussian() draws in turn, the generator left where they leave it', () => {
    const one = new SeededRandom(5);
    const bulk = new SeededRandom(5);
    // Long enough to take the tail and the wedge paths many times (about 1.2% of draws).
    const n = 100_000;
    const expected = Float64Array.from({ length: n }, () => one.gaussian());
    const filled = new Float64Array(n);
    bulk.fillGaussian(filled.subarray(0, 777));
    bulk.fillGaussian(filled.subarray(777));
    let differ = 0;
    for (let i = 0; i < n; i++) if (!Object.is(filled[i], expected[i])) differ++;
    expect(differ).to.equal(0);
    expect(Math.max(...filled.map(Math.abs))).to.be.above(3.5);
    expect([bulk.nextUint32(), bulk.gaussian()]).to.deep.equal([one.nextUint32(), one.gaussian()]);
  });

  it('samples distinct items', () => {
    const random = new SeededRandom(3);
    for (let i = 0; i < 100; i++) {
      const chosen = random.sample(['a', 'b', 'c', 'd', 'e', 'f'], 4);
      expect(new Set(chosen).size).to.equal(4);
    }
  });

  it('rejects seeds that are not whole numbers', () => {
    expect(() => new SeededRandom(Number.NaN)).to.throw(RangeError, /seed/);
    expect(() => new SeededRandom(1.5)).to.throw(RangeError, /seed/);
  });
});

describe('sampleSeed', () => {
  it('derives distinct, repeatable seeds per index', () => {
    const seeds = Array.from({ length: 1000 }, (_, i) => sampleSeed(5, i));
    expect(new Set(seeds).size).to.equal(1000);
    expect(sampleSeed(5, 17)).to.equal(seeds[17]);
    expect(sampleSeed(6, 17)).not.to.equal(seeds[17]);
  });
});

describe('portable maths', () => {
  it('portableLog agrees with Math.log to a few units in the last place', () => {
    for (const x of [1e-300, 1e-10, 0.1, 0.5, 0.999, 1.5, Math.E, 10, 12345.678, 1e300, 5e-324]) {
      expect(portableLog(x)).to.be.closeTo(Math.log(x), 2e-15 * Math.max(1, Math.abs(Math.log(x))));
    }
    expect(portableLog(1)).to.equal(0);
    expect(portableLog(0)).to.equal(-Infinity);
    expect(portableLog(-1)).to.be.NaN;
  });

  it('portableExp agrees with Math.exp to a few units in the last place', () => {
    for (const x of [-700, -20, -1, -1e-9, 0.3, 1, 2.5, 50, 700]) {
      expect(portableExp(x)).to.be.closeTo(Math.exp(x), 2e-15 * Math.exp(x));
    }
    expect(portableExp(0)).to.equal(1);
    expect(portableExp(1000)).to.equal(Infinity);
    expect(portableExp(-1000)).to.equal(0);
  });
});
