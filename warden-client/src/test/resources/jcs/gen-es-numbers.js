// Writes es-numbers.txt: one line per double, "<16 hex digits of its IEEE 754 bits> <String(x)>".
// String(x) is ECMAScript Number::toString, the form RFC 8785 §3.2.2.3 prescribes.
// Run: node gen-es-numbers.js > es-numbers.txt   (deterministic: fixed xorshift64 seed)
let state = 0x9E3779B97F4A7C15n;
const mask = (1n << 64n) - 1n;
function next() {
  state ^= (state << 13n) & mask;
  state ^= state >> 7n;
  state ^= (state << 17n) & mask;
  return state;
}
const buf = new DataView(new ArrayBuffer(8));
function line(bits) {
  buf.setBigUint64(0, bits);
  const x = buf.getFloat64(0);
  if (!Number.isFinite(x)) return null;
  return bits.toString(16).padStart(16, "0") + " " + String(x);
}
const out = [];
const edge = [0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
  -1.7976931348623157e308, 9007199254740991, 9007199254740992, 9007199254740994, 1e21, 1e20,
  999999999999999900000, 1e-6, 1e-7, 0.000001, 0.0000001, 0.1, 0.2, 0.3, 1 / 3, 2 / 3, 123.456,
  -1.5, 1, -1, 10, 100, 1e100, 1.5e-300, 4.35, 0.000035, 333333333.3333333, 1e23, 5e-7];
for (const x of edge) {
  buf.setFloat64(0, x);
  out.push(line(buf.getBigUint64(0)));
}
// Uniform over bit patterns: every exponent range.
for (let i = 0; i < 2000; i++) {
  const l = line(next());
  if (l) out.push(l);
}
// Integers and short decimals, where formatting switches between plain and exponent forms.
for (let i = 0; i < 1000; i++) {
  const r = next();
  const digits = Number(r % 17n) + 1;
  const exp = Number((r >> 8n) % 50n) - 25;
  const mant = Number((r >> 16n) % (10n ** BigInt(digits)));
  const x = mant * Math.pow(10, exp);
  buf.setFloat64(0, x);
  out.push(line(buf.getBigUint64(0)));
}
console.log(out.filter((l) => l !== null).join("\n"));
