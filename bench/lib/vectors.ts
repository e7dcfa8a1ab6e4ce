/**
 * Seeded unit vectors for the retrieval benchmarks, each set in one Float32Array (100k × 512
 * separate arrays would be 100k objects) and handed out as subarray views.
 */
import { prng } from './corpus.ts';

/** Standard normal samples from a seeded PRNG (Box-Muller). */
function gaussian(seed: number): () => number {
  const next = prng(seed);
  return () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

function views(all: Float32Array, n: number, dims: number): Float32Array[] {
  return Array.from({ length: n }, (_, i) => all.subarray(i * dims, (i + 1) * dims));
}

function normalize(v: Float32Array): void {
  let norm = 0;
  for (let d = 0; d < v.length; d++) norm += v[d] * v[d];
  norm = Math.sqrt(norm);
  for (let d = 0; d < v.length; d++) v[d] /= norm;
}

/**
 * Uniform on the unit sphere (normalised normal coordinates): every point is almost equally far
 * from every other, the worst case for a graph index.
 */
export function uniformVectors(n: number, dims: number, seed: number): Float32Array[] {
  const g = gaussian(seed);
  const all = new Float32Array(n * dims);
  for (let i = 0; i < n * dims; i++) all[i] = g();
  const out = views(all, n, dims);
  for (const v of out) normalize(v);
  return out;
}

export interface ClusteredShape {
  /** Dimensions the structure lives in (a random orthonormal basis inside `dims`). */
  latent: number;
  clusters: number;
  /** Weight of one direction every vector shares (sentence embeddings have a large common mean). */
  common: number;
  /** Spread of cluster centres, and of points around their centre, in the latent space. */
  centerSpread: number;
  pointSpread: number;
  /** Isotropic noise per dimension over all `dims`. */
  noise: number;
}

/**
 * Shape calibrated so that HNSW finds these vectors about as hard as real USE-lite embeddings of
 * real text. Reference: 25 813 distinct English paragraphs (80–1 200 characters) from the
 * READMEs in node_modules, TypeScript's lib .d.ts doc comments, CPython 3.13's docstrings and the
 * Rust books, embedded with use-lite; 24 000 indexed, 200 held-out queries, M=16, efConstruction=100.
 *                         recall@10 at ef=10 / 32 / 64   participation ratio, |mean|, cos(random pair), cos(nn in 1 500)
 *   real paragraphs       0.803 / 0.939 / 0.973          49.2, 0.725, 0.511, 0.796
 *   this shape (24 000)   0.776 / 0.928 / 0.977          42.5, 0.719, 0.513, 0.762
 * Tighter clusters (pointSpread 0.11) gave 0.965 at ef=10, far easier than real text; 0.2 gave
 * 0.61, far harder. It is still synthetic: bench/data.ts labels it so and prints its statistics.
 */
export const USE_LIKE: ClusteredShape = { latent: 52, clusters: 2000, common: 1.0, centerSpread: 0.17, pointSpread: 0.155, noise: 0.012 };

/**
 * A mixture of Gaussian clusters in a `latent`-dimensional subspace with a decaying spectrum, a
 * shared mean direction and a little full-dimensional noise; normalised. Same seed, same set;
 * `shapeSeed` fixes the basis and the cluster centres, so queries can be drawn (with another
 * `seed`) from the same distribution as the indexed vectors.
 */
export function clusteredVectors(n: number, dims: number, seed: number, shape: ClusteredShape = USE_LIKE, shapeSeed = 1000): Float32Array[] {
  const sg = gaussian(shapeSeed);
  const L = Math.min(shape.latent, dims);
  // Orthonormal basis (Gram-Schmidt over normal vectors), plus the common direction.
  const basis = views(new Float32Array(L * dims), L, dims);
  for (let i = 0; i < L; i++) {
    const b = basis[i];
    for (let d = 0; d < dims; d++) b[d] = sg();
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += b[d] * basis[j][d];
      for (let d = 0; d < dims; d++) b[d] -= dot * basis[j][d];
    }
    normalize(b);
  }
  const common = new Float32Array(dims);
  for (let d = 0; d < dims; d++) common[d] = sg();
  normalize(common);
  // Spectrum decaying like 1/sqrt(1 + i/8): a few strong directions, a long tail.
  const sd = Array.from({ length: L }, (_, i) => 1 / Math.sqrt(1 + i / 8));
  const centers = views(new Float32Array(shape.clusters * L), shape.clusters, L);
  for (const c of centers) for (let i = 0; i < L; i++) c[i] = sg() * sd[i] * shape.centerSpread;

  const g = gaussian(seed);
  const pick = prng(seed ^ 0x5bd1e995);
  const all = new Float32Array(n * dims);
  const out = views(all, n, dims);
  const z = new Float32Array(L);
  for (const v of out) {
    const c = centers[Math.floor(pick() * shape.clusters)];
    for (let i = 0; i < L; i++) z[i] = c[i] + g() * sd[i] * shape.pointSpread;
    for (let d = 0; d < dims; d++) v[d] = shape.common * common[d] + shape.noise * g();
    for (let i = 0; i < L; i++) {
      const zi = z[i];
      const b = basis[i];
      for (let d = 0; d < dims; d++) v[d] += zi * b[d];
    }
    normalize(v);
  }
  return out;
}

/**
 * Statistics that say how hard a set is for a graph index, computed on a sample: the participation
 * ratio (Σλ)²/Σλ² of the covariance spectrum (an effective dimension), the norm of the mean vector,
 * and the mean cosine of random pairs and of nearest neighbours within the sample.
 */
export function shapeStats(vectors: ArrayLike<number>[], sample = 1500): { participation_ratio: number; mean_norm: number; random_pair_cos: number; nn_cos: number; sample: number } {
  const n = Math.min(sample, vectors.length);
  const vs = vectors.slice(0, n);
  const D = vs[0].length;
  const mean = new Float64Array(D);
  for (const v of vs) for (let d = 0; d < D; d++) mean[d] += v[d] / n;
  const C = new Float64Array(D * D);
  const c = new Float64Array(D);
  for (const v of vs) {
    for (let d = 0; d < D; d++) c[d] = v[d] - mean[d];
    for (let i = 0; i < D; i++) {
      const ci = c[i] / n;
      const row = i * D;
      for (let j = i; j < D; j++) C[row + j] += ci * c[j];
    }
  }
  let tr = 0;
  let fro = 0;
  for (let i = 0; i < D; i++) {
    tr += C[i * D + i];
    for (let j = i; j < D; j++) fro += (i === j ? 1 : 2) * C[i * D + j] ** 2;
  }
  let meanNorm = 0;
  for (let d = 0; d < D; d++) meanNorm += mean[d] ** 2;
  const cos = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let s = 0;
    for (let d = 0; d < D; d++) s += a[d] * b[d];
    return s;
  };
  let rp = 0;
  let nn = 0;
  const m = Math.min(n, 300);
  for (let i = 0; i < m; i++) {
    const j = (i * 7 + 13) % n;
    rp += cos(vs[i], vs[j === i ? (j + 1) % n : j]);
    let best = -2;
    for (let j = 0; j < n; j++) if (j !== i) best = Math.max(best, cos(vs[i], vs[j]));
    nn += best;
  }
  return { participation_ratio: +((tr * tr) / fro).toFixed(1), mean_norm: +Math.sqrt(meanNorm).toFixed(3), random_pair_cos: +(rp / m).toFixed(3), nn_cos: +(nn / m).toFixed(3), sample: n };
}
