using System;
using System.Collections.Generic;
using DiffGen;

namespace DiffGen.GradBench.Modules
{
    /// <summary>
    /// gradbench eval "det" (evals/det/README.md, after cmpad's det_by_minor): the determinant of an
    /// ell x ell matrix by expansion in minors, and its gradient.
    /// <para>
    /// Expansion along the first row, then along the first row of each minor, and so on, unfolds into the
    /// sum over all ell! permutations sigma of sign(sigma) * a[0, sigma(0)] * ... * a[ell-1, sigma(ell-1)],
    /// visited in the expansion's order (lexicographic). The generator supports no recursion
    /// (DIFF0006), so the expansion is written as that sum, as the eval's README suggests ("directly
    /// compute all of the necessary O(n!) permutations of multiplications"). The enumeration is split:
    /// rows 0 .. k-1 are expanded explicitly, one <i>prefix</i> (a choice of k distinct columns) at a time,
    /// and the remaining m x m minor (m = min(ell, 5)) is summed over the m! permutations of the columns
    /// the prefix left free. The index tables of both are built once per input by <see cref="Tables"/>
    /// (ordinary C#: permutations are integer bookkeeping, not differentiated); the generator accepts no
    /// local int arrays (DIFF0013) and no reassigned int locals (DIFF0010), so a next-permutation step
    /// cannot live inside the differentiated method. Full tables of all ell! permutations would need
    /// ell * ell! ints (1.8 GB at ell = 11); the split needs ell!/m! * ell + m! * m.
    /// </para>
    /// </summary>
    public static partial class Det
    {
        /// <param name="a">The matrix, row-major, ell * ell.</param>
        /// <param name="ell">The edge size.</param>
        /// <param name="k">Rows expanded through prefixes: ell - m.</param>
        /// <param name="m">Size of the minors summed by permutations.</param>
        /// <param name="prefixCount">Number of prefixes: ell! / m!.</param>
        /// <param name="prefixCol">prefixCount x k: the column chosen for row i by prefix p, at [p * k + i].</param>
        /// <param name="prefixFree">prefixCount x m: the columns prefix p leaves free, ascending, at [p * m + j].</param>
        /// <param name="prefixSign">prefixCount signs (+1 or -1) of the prefix's part of the permutation.</param>
        /// <param name="suffixCount">Number of permutations of m elements: m!.</param>
        /// <param name="suffixPos">suffixCount x m: which free column row k + j takes, at [s * m + j].</param>
        /// <param name="suffixSign">suffixCount signs.</param>
        [Differentiable(nameof(a))]
        public static double Determinant(double[] a, int ell, int k, int m,
            int prefixCount, int[] prefixCol, int[] prefixFree, int[] prefixSign,
            int suffixCount, int[] suffixPos, int[] suffixSign)
        {
            double det = 0;
            for (int p = 0; p < prefixCount; p++)
            {
                // The product along the prefix: the first k factors of every term below it.
                double head = prefixSign[p];
                for (int i = 0; i < k; i++)
                {
                    head *= a[i * ell + prefixCol[p * k + i]];
                }
                // The m x m minor left by the prefix, as a sum over its permutations.
                double minor = 0;
                for (int s = 0; s < suffixCount; s++)
                {
                    double term = suffixSign[s];
                    for (int j = 0; j < m; j++)
                    {
                        term *= a[(k + j) * ell + prefixFree[p * m + suffixPos[s * m + j]]];
                    }
                    minor += term;
                }
                det += head * minor;
            }
            return det;
        }

        /// <summary>The minor size summed by permutations: at most 5 (120 permutations).</summary>
        public const int MaxMinor = 5;

        /// <summary>The index tables <see cref="Determinant"/> takes, for one edge size.</summary>
        public sealed class Tables
        {
            public int Ell, K, M, PrefixCount, SuffixCount;
            public int[] PrefixCol = Array.Empty<int>(), PrefixFree = Array.Empty<int>(), PrefixSign = Array.Empty<int>();
            public int[] SuffixPos = Array.Empty<int>(), SuffixSign = Array.Empty<int>();

            public static Tables For(int ell)
            {
                if (ell < 1) throw new ArgumentOutOfRangeException(nameof(ell));
                int m = Math.Min(ell, MaxMinor);
                int k = ell - m;
                var t = new Tables { Ell = ell, K = k, M = m };

                // Prefixes: sequences of k distinct columns of 0 .. ell-1, in lexicographic order (the
                // expansion's order), each with its free columns and the sign of the partial permutation
                // (-1 to the number of free columns below each chosen one: the cofactor signs).
                var cols = new List<int>();
                var free = new List<int>();
                var signs = new List<int>();
                var chosen = new int[k];
                var used = new bool[ell];
                void Extend(int depth, int sign)
                {
                    if (depth == k)
                    {
                        cols.AddRange(chosen);
                        for (int c = 0; c < ell; c++)
                        {
                            if (!used[c]) free.Add(c);
                        }
                        signs.Add(sign);
                        return;
                    }
                    int position = 0; // index of column c among the columns still free
                    for (int c = 0; c < ell; c++)
                    {
                        if (used[c]) continue;
                        used[c] = true;
                        chosen[depth] = c;
                        Extend(depth + 1, position % 2 == 0 ? sign : -sign);
                        used[c] = false;
                        position++;
                    }
                }
                Extend(0, 1);
                t.PrefixCol = cols.ToArray();
                t.PrefixFree = free.ToArray();
                t.PrefixSign = signs.ToArray();
                t.PrefixCount = signs.Count;

                // Suffixes: all permutations of 0 .. m-1, lexicographic, with their signs.
                var pos = new List<int>();
                var ssign = new List<int>();
                var perm = new int[m];
                var taken = new bool[m];
                void Permute(int depth, int sign)
                {
                    if (depth == m)
                    {
                        pos.AddRange(perm);
                        ssign.Add(sign);
                        return;
                    }
                    int position = 0;
                    for (int c = 0; c < m; c++)
                    {
                        if (taken[c]) continue;
                        taken[c] = true;
                        perm[depth] = c;
                        Permute(depth + 1, position % 2 == 0 ? sign : -sign);
                        taken[c] = false;
                        position++;
                    }
                }
                Permute(0, 1);
                t.SuffixPos = pos.ToArray();
                t.SuffixSign = ssign.ToArray();
                t.SuffixCount = ssign.Count;
                return t;
            }
        }

        /// <summary>The determinant: the generated forward.</summary>
        public static double Primal(double[] a, Tables t) =>
            DeterminantForward(a, t.Ell, t.K, t.M, t.PrefixCount, t.PrefixCol, t.PrefixFree, t.PrefixSign,
                t.SuffixCount, t.SuffixPos, t.SuffixSign);

        /// <summary>d det / d a, row-major, into <paramref name="grad"/>: the generated backward.</summary>
        public static double Gradient(double[] a, Tables t, double[] grad) =>
            DeterminantBackward(a, t.Ell, t.K, t.M, t.PrefixCount, t.PrefixCol, t.PrefixFree, t.PrefixSign,
                t.SuffixCount, t.SuffixPos, t.SuffixSign, grad);
    }
}
