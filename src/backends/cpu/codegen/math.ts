// SIMD float32 transcendental functions, emitted inline (no calls) on f32x4 values. Each follows the
// classic recipe — range reduction, a short polynomial, reconstruction — and is tested against the
// reference backend's float64 definitions to a few ulp:
//   exp     x = n ln2 + r (Cody-Waite), 1 + expm1poly(r), times 2^n in two steps (keeps subnormal results)
//   expm1   the same reduction; q 2^n + (2^n - 1), no cancellation near 0
//   log     frexp by bit manipulation (subnormals rescaled), Cephes' logf polynomial
//   log1p   log(1 + x) * x / ((1 + x) - 1)  (Goldberg's correction)
//   tanh    y = expm1(2|x|), t = y / (y + 2) up to ln(3)/2, 1 - 2 / (y + 2) beyond (musl's split), x's sign
//   logistic  (x >= 0 ? 1 : e) / (1 + e), e = exp(-|x|)
//   sin/cos x = n pi/2 + r with r computed in float64 (exact for |x| < 1e5), Taylor polynomials, quadrant
//           selects; lanes beyond 1e5 (or not finite) take a slow path through Math.sin / Math.cos
//   erf     x + x P(x^2) below 1; 1 - exp(-x^2) R(1/x) up to 3.92; +-1 beyond (coefficients fitted offline)

import type { AluOp } from "../../schedule/ir.ts";
import type { Func } from "../wasm/module.ts";
import { Op, Simd as S, T } from "../wasm/opcodes.ts";
import type { AluContext } from "./alu.ts";

export const MATH_OPS = new Set<AluOp>(["exp", "expm1", "log", "log1p", "tanh", "logistic", "sin", "cos", "erf"]);

const LOG2E = 1.4426950408889634;
/** 1.5 * 2^23: adding it rounds to an integer (ties to even) kept in the low mantissa bits. */
const MAGIC = 12582912;
const MAGIC_BITS = 0x4b400000;
const LN2_HI = 0.693359375;
const LN2_LO = -2.12194440e-4;
/** tanh: |x| clamp (tanh rounds to 1 from 9.02) and where 1 - 2 / (expm1(2|x|) + 2) takes over (ln(3)/2). */
const TANH_CLAMP = 10;
const TANH_BIG = 0.5493061443340549;
/** expm1(r) = r + r^2 (1/2 + r/6 + ...): Taylor coefficients from 1/2! to 1/8!. */
const EXPM1_TAIL = [1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040, 1 / 40320];
/** Cephes logf: log(1 + m) = m - m^2/2 + m^3 P(m). */
const LOG_P = [3.3333331174e-1, -2.4999993993e-1, 2.0000714765e-1, -1.6668057665e-1, 1.4249322787e-1, -1.2420140846e-1, 1.1676998740e-1, -1.1514610310e-1, 7.0376836292e-2];
const SIN_TAIL = [-1 / 6, 1 / 120, -1 / 5040, 1 / 362880];
const COS_TAIL = [1 / 24, -1 / 720, 1 / 40320, -1 / 3628800];
const PIO2_1 = 1.57079632673412561417;
const PIO2_1T = 6.07710050650619224932e-11;
/** erf(x) = x + x P(x^2) on [0, 1] (P(0) = 2/sqrt(pi) - 1). */
const ERF_SMALL = [
  0.1283791664747178, -0.37612628739116555, 0.11283611627177888, -0.026854782431287045, 0.005190012156505666,
  -0.000802403730226617, 7.897273760811535e-5,
];
/** erfc(x) exp(x^2) = R(1/x) on [1, 4]. */
const ERFC_R = [
  0.00011479327167281881, 0.5618834449426993, 0.019621969973850902, -0.3717742668655615, 0.21898968213166825,
  0.25892386976336, -0.5610357385286833, 0.4558738524224032, -0.1870547121380827, 0.03204068854904369,
];

/** Push op(x) for x in v128 local `x`. */
export function emitMath(ctx: AluContext, op: AluOp, x: number): void {
  const m = new MathEmitter(ctx);
  switch (op) {
    case "exp":
      return m.exp(x);
    case "expm1":
      return m.expm1(x);
    case "log":
      return m.log(x);
    case "log1p":
      return m.log1p(x);
    case "tanh":
      return m.tanh(x);
    case "logistic":
      return m.logistic(x);
    case "sin":
    case "cos":
      return m.sinCos(x, op);
    case "erf":
      return m.erf(x);
    default:
      throw new Error(`emitMath: ${op} is not a math op`);
  }
}

class MathEmitter {
  readonly f: Func;
  constructor(readonly ctx: AluContext) {
    this.f = ctx.f;
  }

  private tmp(): number {
    return this.f.local(T.v128);
  }
  /** Pop the stack top into a fresh local. */
  private save(): number {
    const l = this.tmp();
    this.f.set(l);
    return l;
  }
  private k(v: number): Func {
    return this.f.f32x4(v);
  }
  /** acc * b + c with acc, b on the stack... — here: push a*b + c for locals/consts given as thunks. */
  private madd(a: () => void, b: () => void, c: () => void): void {
    const f = this.f;
    if (this.ctx.fma) {
      a();
      b();
      c();
      f.simd(S.f32x4_relaxed_madd);
    } else {
      a();
      b();
      f.simd(S.f32x4_mul);
      c();
      f.simd(S.f32x4_add);
    }
  }
  /** Horner: c[0] + t (c[1] + t (c[2] + ...)). */
  private poly(t: number, c: readonly number[]): void {
    const f = this.f;
    this.k(c[c.length - 1]);
    for (let i = c.length - 2; i >= 0; i--) {
      const acc = this.save();
      this.madd(() => f.get(acc), () => f.get(t), () => this.k(c[i]));
    }
  }

  /**
   * n = nearest(x log2e), r = x - n ln2 (two steps). Returns locals [n (f32), r, n (i32)]. Rounding adds and
   * subtracts 1.5 * 2^23, which also leaves n's integer bits in the sum's low mantissa bits (|n| < 2^22).
   */
  private reduceLn2(x: number): [number, number, number] {
    const f = this.f;
    f.get(x);
    this.k(LOG2E).simd(S.f32x4_mul);
    this.k(MAGIC).simd(S.f32x4_add);
    const t = this.save();
    f.get(t).i32x4(MAGIC_BITS).simd(S.i32x4_sub);
    const ni = this.save();
    f.get(t);
    this.k(MAGIC).simd(S.f32x4_sub);
    const n = this.save();
    // r = (x - n*LN2_HI) - n*LN2_LO
    f.get(x).get(n);
    this.k(LN2_HI).simd(S.f32x4_mul).simd(S.f32x4_sub);
    f.get(n);
    this.k(LN2_LO).simd(S.f32x4_mul).simd(S.f32x4_sub);
    return [n, this.save(), ni];
  }

  /** expm1(r) for |r| <= ln2/2. */
  private expm1Poly(r: number): number {
    const f = this.f;
    this.poly(r, EXPM1_TAIL);
    const p = this.save();
    f.get(r).get(r).simd(S.f32x4_mul);
    const r2 = this.save();
    this.madd(() => f.get(r2), () => f.get(p), () => f.get(r));
    return this.save();
  }

  /** Two powers of two whose product is 2^n (n: i32, |n| <= 254). */
  private pow2(ni: number): [number, number] {
    const f = this.f;
    f.get(ni).i32(1).simd(S.i32x4_shr_s);
    const n1 = this.save();
    const bits = (l: () => void) => {
      l();
      f.i32x4(127).simd(S.i32x4_add).i32(23).simd(S.i32x4_shl);
    };
    bits(() => f.get(n1));
    const s1 = this.save();
    bits(() => f.get(ni).get(n1).simd(S.i32x4_sub));
    return [s1, this.save()];
  }

  /** Clamp to [lo, hi]; NaN stays NaN (pmin/pmax return their first operand when unordered). */
  private clamp(x: () => void, lo: number, hi: number): void {
    x();
    this.k(hi).simd(S.f32x4_pmin);
    this.k(lo).simd(S.f32x4_pmax);
  }

  exp(x: number): void {
    const f = this.f;
    this.clamp(() => f.get(x), -104, 89);
    const xc = this.save();
    const [, r, ni] = this.reduceLn2(xc);
    const q = this.expm1Poly(r);
    const [s1, s2] = this.pow2(ni);
    f.get(q);
    this.k(1).simd(S.f32x4_add);
    f.get(s1).simd(S.f32x4_mul).get(s2).simd(S.f32x4_mul);
  }

  expm1(x: number): void {
    const f = this.f;
    this.clamp(() => f.get(x), -30, 89);
    const xc = this.save();
    const [n, r, ni] = this.reduceLn2(xc);
    const q = this.expm1Poly(r);
    const [s1, s2] = this.pow2(ni);
    f.get(s1).get(s2).simd(S.f32x4_mul);
    const s = this.save();
    // small n: q s + (s - 1)
    this.madd(() => f.get(q), () => f.get(s), () => {
      f.get(s);
      this.k(1).simd(S.f32x4_sub);
    });
    // large n (s may overflow alone): ((1 + q) s1) s2 - 1
    f.get(q);
    this.k(1).simd(S.f32x4_add).get(s1).simd(S.f32x4_mul).get(s2).simd(S.f32x4_mul);
    this.k(1).simd(S.f32x4_sub);
    f.get(n);
    this.k(64).simd(S.f32x4_ge);
    // stack: small, large, mask -> bitselect(large, small, mask) needs (large, small, mask)
    const mask = this.save();
    const large = this.save();
    const small = this.save();
    f.get(large).get(small).get(mask).simd(S.v128_bitselect);
  }

  log(x: number): void {
    const f = this.f;
    // Rescale subnormals by 2^23.
    f.get(x);
    this.k(1.1754943508222875e-38).simd(S.f32x4_lt);
    const sub = this.save();
    f.get(x);
    this.k(8388608).simd(S.f32x4_mul).get(x).get(sub).simd(S.v128_bitselect);
    const xs = this.save();
    // e = exponent - 126 (- 23 for rescaled), m in [0.5, 1)
    f.get(xs).i32(23).simd(S.i32x4_shr_s).i32x4(126).simd(S.i32x4_sub);
    f.get(sub).i32x4(23).simd(S.v128_and).simd(S.i32x4_sub);
    const e = this.save();
    f.get(xs).i32x4(0x007fffff).simd(S.v128_and).i32x4(0x3f000000).simd(S.v128_or);
    const m0 = this.save();
    f.get(m0);
    this.k(0.70710678118654752).simd(S.f32x4_lt);
    const small = this.save();
    // e -= small; m = m0 - 1 + (small ? m0 : 0)
    f.get(e).get(small).simd(S.i32x4_add).simd(S.f32x4_convert_i32x4_s);
    const fe = this.save();
    f.get(m0);
    this.k(1).simd(S.f32x4_sub).get(m0).get(small).simd(S.v128_and).simd(S.f32x4_add);
    const m = this.save();
    f.get(m).get(m).simd(S.f32x4_mul);
    const z = this.save();
    this.poly(m, LOG_P);
    f.get(m).simd(S.f32x4_mul).get(z).simd(S.f32x4_mul);
    f.get(fe);
    this.k(LN2_LO).simd(S.f32x4_mul).simd(S.f32x4_add);
    f.get(z);
    this.k(0.5).simd(S.f32x4_mul).simd(S.f32x4_sub);
    f.get(m).simd(S.f32x4_add);
    f.get(fe);
    this.k(LN2_HI).simd(S.f32x4_mul).simd(S.f32x4_add);
    const r = this.save();
    // Special values: 0 -> -inf, negative -> NaN, +inf -> inf, NaN -> NaN.
    this.k(-Infinity).get(r).get(x);
    this.k(0).simd(S.f32x4_eq).simd(S.v128_bitselect);
    const r1 = this.save();
    this.k(NaN).get(r1).get(x);
    this.k(0).simd(S.f32x4_lt).simd(S.v128_bitselect);
    const r2 = this.save();
    f.get(x).get(r2).get(x);
    this.k(Infinity).simd(S.f32x4_eq).get(x).get(x).simd(S.f32x4_ne).simd(S.v128_or).simd(S.v128_bitselect);
  }

  log1p(x: number): void {
    const f = this.f;
    f.get(x);
    this.k(1).simd(S.f32x4_add);
    const u = this.save();
    this.log(u);
    const lu = this.save();
    // lu * (x / (u - 1)), or x where u == 1 (tiny x) or x is +inf
    f.get(lu).get(x).get(u);
    this.k(1).simd(S.f32x4_sub).simd(S.f32x4_div).simd(S.f32x4_mul);
    const r = this.save();
    f.get(x).get(r).get(u);
    this.k(1).simd(S.f32x4_eq).get(x);
    this.k(Infinity).simd(S.f32x4_eq).simd(S.v128_or).simd(S.v128_bitselect);
  }

  tanh(x: number): void {
    const f = this.f;
    // The clamp keeps expm1 finite; 2 / (expm1(20) + 2) is below half an ulp of 1, so 10 still rounds to 1.
    f.get(x).simd(S.f32x4_abs);
    this.k(TANH_CLAMP).simd(S.f32x4_pmin);
    const ax = this.save();
    f.get(ax).get(ax).simd(S.f32x4_add);
    const twoAx = this.save();
    this.expm1(twoAx);
    const y = this.save();
    f.get(y);
    this.k(2).simd(S.f32x4_add);
    const d = this.save();
    // Above ln(3)/2, 1 - 2 / (y + 2): y / (y + 2) rounds y + 2 once y passes 2^24 (|x| > 8.3), which makes
    // results near saturation an ulp off and often exactly 1 (a float -> int conversion then jumps by one).
    this.k(1);
    this.k(2).get(d).simd(S.f32x4_div).simd(S.f32x4_sub);
    f.get(y).get(d).simd(S.f32x4_div);
    f.get(ax);
    this.k(TANH_BIG).simd(S.f32x4_gt).simd(S.v128_bitselect);
    f.get(x).i32x4(-0x80000000).simd(S.v128_and).simd(S.v128_or);
  }

  logistic(x: number): void {
    const f = this.f;
    f.get(x).simd(S.f32x4_abs).simd(S.f32x4_neg);
    const nax = this.save();
    this.exp(nax);
    const e = this.save();
    this.k(1).get(e).get(x);
    this.k(0).simd(S.f32x4_ge).simd(S.v128_bitselect);
    f.get(e);
    this.k(1).simd(S.f32x4_add).simd(S.f32x4_div);
  }

  sinCos(x: number, op: "sin" | "cos"): void {
    const f = this.f;
    f.get(x);
    this.k(2 / Math.PI).simd(S.f32x4_mul).simd(S.f32x4_nearest);
    const n = this.save();
    // r = x - n * pi/2 in float64, two lanes at a time.
    const half = (hi: boolean) => {
      const pick = (l: number) => {
        f.get(l);
        if (hi) f.get(l).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]);
        f.simd(S.f64x2_promote_low_f32x4);
      };
      pick(x);
      pick(n);
      const nd = this.save();
      f.get(nd).f64x2(PIO2_1).simd(S.f64x2_mul).simd(S.f64x2_sub);
      f.get(nd).f64x2(PIO2_1T).simd(S.f64x2_mul).simd(S.f64x2_sub);
      f.simd(S.f32x4_demote_f64x2_zero);
    };
    half(false);
    half(true);
    f.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
    const r = this.save();
    f.get(r).get(r).simd(S.f32x4_mul);
    const z = this.save();
    // sin(r) = r + r z S(z); cos(r) = 1 - z/2 + z^2 C(z)
    this.poly(z, SIN_TAIL);
    f.get(z).simd(S.f32x4_mul);
    const sp = this.save();
    this.madd(() => f.get(r), () => f.get(sp), () => f.get(r));
    const s = this.save();
    this.poly(z, COS_TAIL);
    f.get(z).simd(S.f32x4_mul).get(z).simd(S.f32x4_mul);
    this.k(1).get(z);
    this.k(0.5).simd(S.f32x4_mul).simd(S.f32x4_sub).simd(S.f32x4_add);
    const c = this.save();
    f.get(n).simd(S.i32x4_trunc_sat_f32x4_s);
    if (op === "cos") f.i32x4(1).simd(S.i32x4_add);
    const q = this.save();
    // value = (q & 1) ? cos : sin, negated when q & 2
    f.get(c).get(s).get(q).i32x4(1).simd(S.v128_and).i32x4(0).simd(S.i32x4_ne).simd(S.v128_bitselect);
    f.get(q).i32x4(2).simd(S.v128_and).i32(30).simd(S.i32x4_shl).simd(S.v128_xor);
    const fast = this.save();
    // Slow path for lanes the float64 reduction does not cover (|x| >= 1e5, inf, NaN).
    f.get(x).simd(S.f32x4_abs);
    this.k(1e5).simd(S.f32x4_lt).simd(S.i32x4_all_true);
    f.if_(T.v128);
    f.get(fast);
    f.else_();
    const fn = this.ctx.lanewise(`${op}.float32`);
    f.f32x4(0);
    for (let lane = 0; lane < 4; lane++) {
      f.get(x).lane(S.f32x4_extract_lane, lane).op(Op.f64_promote_f32).call(fn).op(Op.f32_demote_f64).lane(S.f32x4_replace_lane, lane);
    }
    f.end();
  }

  erf(x: number): void {
    const f = this.f;
    f.get(x).simd(S.f32x4_abs);
    const ax = this.save();
    f.get(ax).get(ax).simd(S.f32x4_mul);
    const z = this.save();
    // small: ax + ax P(z)
    this.poly(z, ERF_SMALL);
    const p = this.save();
    this.madd(() => f.get(ax), () => f.get(p), () => f.get(ax));
    const small = this.save();
    // large: 1 - exp(-z) R(1/ax)
    this.k(1).get(ax).simd(S.f32x4_div);
    const t = this.save();
    this.poly(t, ERFC_R);
    const rr = this.save();
    f.get(z).simd(S.f32x4_neg);
    const nz = this.save();
    this.exp(nz);
    f.get(rr).simd(S.f32x4_mul);
    const ec = this.save();
    this.k(1).get(ec).simd(S.f32x4_sub);
    const large = this.save();
    f.get(small).get(large).get(ax);
    this.k(1).simd(S.f32x4_lt).simd(S.v128_bitselect);
    const v = this.save();
    this.k(1).get(v).get(ax);
    this.k(3.92).simd(S.f32x4_gt).simd(S.v128_bitselect);
    f.get(x).i32x4(-0x80000000).simd(S.v128_and).simd(S.v128_or);
  }
}
