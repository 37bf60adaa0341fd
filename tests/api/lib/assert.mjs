// assert.mjs -- assertions that name what they compared.
import assert from 'node:assert/strict';
export { assert };

export function eq(actual, expected, what) {
  assert.deepStrictEqual(actual, expected, `${what}: got ${JSON.stringify(actual)}, want ${JSON.stringify(expected)}`);
}

export function ok(cond, what) {
  if (!cond) throw new assert.AssertionError({ message: what });
}

export function includes(list, item, what) {
  ok(Array.isArray(list) && list.some((x) => JSON.stringify(x) === JSON.stringify(item)),
    `${what}: ${JSON.stringify(item)} not in ${JSON.stringify(list).slice(0, 400)}`);
}

export function excludes(list, item, what) {
  ok(Array.isArray(list) && !list.some((x) => JSON.stringify(x) === JSON.stringify(item)),
    `${what}: ${JSON.stringify(item)} unexpectedly in ${JSON.stringify(list).slice(0, 400)}`);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
