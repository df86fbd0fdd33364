import { describe, expect, it } from 'vitest';
import { addQuantities, bytesQuantity, canonicalQuantity, compareQuantities, cpuMillis, memoryBytes, millisQuantity, formatQuantity, parseQuantity } from '../../api/quantity.js';

describe('quantities', () => {
  it.each([
    ['100m', 0.1],
    ['0.5', 0.5],
    ['64Mi', 64 * 1024 * 1024],
    ['1G', 1e9],
    ['1e3', 1000],
    ['2Ki', 2048],
    ['1.5Gi', 1.5 * 1024 ** 3],
    ['-2', -2],
    ['.5', 0.5],
    ['10u', 0.00001],
    ['1E2', 100],
  ])('parses %s', (s, v) => {
    expect(parseQuantity(s).value).toBeCloseTo(v, 9);
  });

  it.each(['', 'abc', '1.2.3', '1Qi', '64 Mi', ' 1', '1e', 'Mi', '1KiB'])('rejects %j naming the value', (s) => {
    expect(() => parseQuantity(s)).toThrow(`quantity ${JSON.stringify(s)} is invalid: quantities must match the regular expression`);
  });

  it.each([
    ['0.5', '500m'],
    ['1000m', '1'],
    ['1500', '1500'],
    ['2000', '2k'],
    ['1024Mi', '1Gi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Ki', '512'],
    ['1e3', '1e3'],
    ['1.5e3', '1500'],
    ['100m', '100m'],
    ['0', '0'],
    ['0.1n', '1n'],
    ['1000Ki', '1000Ki'],
  ])('canonical %s → %s', (s, c) => {
    expect(canonicalQuantity(s)).toBe(c);
  });

  it('cpu millis and memory bytes round up', () => {
    expect(cpuMillis('100m')).toBe(100);
    expect(cpuMillis('0.5')).toBe(500);
    expect(cpuMillis('1.0001')).toBe(1001);
    expect(memoryBytes('64Mi')).toBe(67108864);
    expect(memoryBytes('1G')).toBe(1e9);
    expect(memoryBytes('0.5')).toBe(1);
  });

  it('compares and adds exactly', () => {
    expect(compareQuantities('1', '1000m')).toBe(0);
    expect(compareQuantities('1Gi', '1G')).toBe(1);
    expect(compareQuantities('100m', '0.2')).toBe(-1);
    expect(formatQuantity(addQuantities('100m', '200m'))).toBe('300m');
    expect(formatQuantity(millisQuantity(250))).toBe('250m');
    expect(formatQuantity(bytesQuantity(1073741824))).toBe('1Gi');
  });
});
