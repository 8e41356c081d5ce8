/**
 * Weighted logistic regression with an L2 penalty, fitted by Newton's method (iteratively reweighted
 * least squares) on standardised inputs: a textbook algorithm, small enough to own and test.
 */

export interface Standardiser {
  mean: number[];
  /** 1 where the input does not vary (its coefficient stays 0). */
  std: number[];
}

export function standardiser(rows: readonly number[][]): Standardiser {
  const p = rows[0]?.length ?? 0;
  const mean = new Array<number>(p).fill(0);
  const sq = new Array<number>(p).fill(0);
  for (const r of rows) for (let j = 0; j < p; j++) mean[j]! += r[j]!;
  for (let j = 0; j < p; j++) mean[j]! /= Math.max(1, rows.length);
  for (const r of rows) for (let j = 0; j < p; j++) sq[j]! += (r[j]! - mean[j]!) ** 2;
  const std = sq.map((s) => Math.sqrt(s / Math.max(1, rows.length)));
  return { mean, std: std.map((s) => (s > 1e-12 ? s : 1)) };
}

export const standardise = (s: Standardiser, r: readonly number[]) => r.map((x, j) => (x - s.mean[j]!) / s.std[j]!);

export const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export interface LogisticFit {
  intercept: number;
  coef: number[];
  iterations: number;
}

/** Solves A x = b (A symmetric positive definite, as a penalised Hessian is) by Gaussian elimination with pivoting. */
export function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    const d = m[c]![c]!;
    if (Math.abs(d) < 1e-300) throw new Error('singular system');
    for (let r = c + 1; r < n; r++) {
      const k = m[r]![c]! / d;
      if (k !== 0) for (let j = c; j <= n; j++) m[r]![j]! -= k * m[c]![j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let j = r + 1; j < n; j++) s -= m[r]![j]! * x[j]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

/**
 * Minimises Σ wᵢ·logloss(yᵢ, σ(b + xᵢ·β)) + (l2/2)·|β|² (the intercept is not penalised). `x` rows are
 * already standardised. Stops when no coefficient moves by more than `tol`.
 */
export function fitLogistic(
  x: readonly number[][],
  y: readonly number[],
  w: readonly number[],
  opts: { l2?: number; maxIter?: number; tol?: number } = {},
): LogisticFit {
  const l2 = opts.l2 ?? 1;
  const p = x[0]?.length ?? 0;
  let beta = new Array<number>(p + 1).fill(0); // [intercept, …coef]
  let it = 0;
  for (; it < (opts.maxIter ?? 50); it++) {
    const grad = new Array<number>(p + 1).fill(0);
    const hess = Array.from({ length: p + 1 }, () => new Array<number>(p + 1).fill(0));
    for (let i = 0; i < x.length; i++) {
      const xi = x[i]!;
      let z = beta[0]!;
      for (let j = 0; j < p; j++) z += beta[j + 1]! * xi[j]!;
      const mu = sigmoid(z);
      const g = w[i]! * (mu - y[i]!);
      const h = w[i]! * mu * (1 - mu);
      grad[0]! += g;
      hess[0]![0]! += h;
      for (let j = 0; j < p; j++) {
        const xj = xi[j]!;
        grad[j + 1]! += g * xj;
        hess[0]![j + 1]! += h * xj;
        const row = hess[j + 1]!;
        for (let k = j; k < p; k++) row[k + 1]! += h * xj * xi[k]!;
      }
    }
    for (let j = 1; j <= p; j++) {
      grad[j]! += l2 * beta[j]!;
      hess[j]![j]! += l2;
      for (let k = 0; k < j; k++) hess[j]![k] = hess[k]![j]!;
    }
    hess[0]![0]! += 1e-9;
    const step = solve(hess, grad);
    beta = beta.map((b, j) => b - step[j]!);
    if (Math.max(...step.map(Math.abs)) < (opts.tol ?? 1e-8)) {
      it++;
      break;
    }
  }
  return { intercept: beta[0]!, coef: beta.slice(1), iterations: it };
}
