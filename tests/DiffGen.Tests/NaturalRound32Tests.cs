using System;
using System.Globalization;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 32 (<see cref="NaturalRound32"/>): probe batch 32's 31 accepted functions (40 small functions leaning toward
    /// idioms AD source transformers find hard; the nine refused stay out, Heat2D since accepted is
    /// <see cref="MatrixCopies"/>.Heat2DSwapped and checked there), each checked as written by <see cref="MethodOracle"/>:
    /// Forward against the method, Backward's value and unchanged inputs, every gradient against central differences of the
    /// user's method in double, seed scaling (TwoLinkIk's output angles with a random upstream gradient). All 31 are static, so
    /// nothing is checked by hand but TwoLinkIk with the probe's own upstream (L = 0.7 q1 - 1.3 q2). Inputs are the batch's own
    /// (its Program.cs, <c>new Random(32)</c>, replayed in its order by <see cref="Sample"/>, the same sizes and ranges), its
    /// variants included: FmaScale with a NaN entry (skipped: gradient 0 there), CtcLoss with a repeated label.
    /// <see cref="Sample_replays_the_probe"/> checks the replay against every value the probe printed. No Max, Min, Abs, Clamp,
    /// pivot-free branch, kernel zone, hemisphere flip, Viterbi or DTW path, hard negative, payoff sign or tolerance-loop count
    /// changes within the difference step at these inputs.
    /// </summary>
    public class NaturalRound32Tests
    {
        private static readonly Type T = typeof(NaturalRound32);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        /// <summary>The batch's checks (Program.cs, Random(32)), replayed in its order: every input it draws.</summary>
        private sealed class Sample
        {
            public static readonly Sample Inputs = new();

            public readonly double[] OdeY0, OdeW;
            public readonly double[] ScratchX;
            public readonly double ScratchA;
            public readonly double[] SliceX, SliceK;
            public readonly double[] FirSignal, FirTaps;
            public readonly double[] GenericX;
            public readonly double[] CosA, CosB;
            public readonly double LseT;
            public readonly double[] LseXs;
            public readonly double[] Verts;
            public readonly double[] PolyC;
            public readonly double PolyRe, PolyIm;
            public readonly double[] HornerC;
            public readonly double HornerX;
            public readonly double[] FmaX, FmaXNaN;
            public readonly double FmaA;
            public readonly double[] LnX, LnGamma, LnBeta;
            public readonly double[][] QrA;
            public readonly double[] EigM;
            public readonly double[,] CholA;
            public readonly double[] CholB;
            public readonly double[] CgM, CgB;
            public readonly double SecA, SecC;
            public readonly double[] SplineY;
            public readonly double[] CatmullPts;
            public readonly double[] Q0, Q1, SlerpProbe;
            public readonly double[] Orbit0;
            public readonly double[] SphPos;
            public readonly double[] AttQ, AttK, AttV;
            public readonly double[] Emit, Trans;
            public readonly double[] CtcLogits;
            public readonly double[,] Cost;
            public readonly double[] DtwA, DtwB;
            public readonly double[] AsianZ;
            public readonly double[] HestonZ1, HestonZ2;
            public readonly double[] Anchor, Positive;
            public readonly double[][] Negatives;

            private Sample()
            {
                var rng = new Random(32);
                double[] V(int n, double lo = -1, double hi = 1) { var a = new double[n]; for (int i = 0; i < n; i++) a[i] = lo + (hi - lo) * rng.NextDouble(); return a; }
                double[] Nq() { var q = V(4); double nn = Math.Sqrt(q.Sum(z => z * z)); return q.Select(z => z / nn).ToArray(); }

                OdeY0 = V(2); OdeW = V(4, -1.5, 1.5);                                          // 3 (5 steps)
                ScratchX = V(6); ScratchA = 0.8 + rng.NextDouble();                             // 4
                SliceX = V(7); SliceK = V(3);                                                   // 5
                FirSignal = V(8); FirTaps = V(3);                                               // 6
                GenericX = V(5);                                                                // 7
                CosA = V(4); CosB = V(4);                                                       // 8
                LseT = 0.7 + rng.NextDouble(); LseXs = V(5, -2, 2);                             // 9
                Verts = V(12);                                                                  // 10 (tris 0 1 2, 0 2 3, 0 3 1)
                PolyC = V(4); PolyRe = 0.3 + rng.NextDouble(); PolyIm = rng.NextDouble();       // 11
                HornerC = V(5); HornerX = 0.5 + 0.5 * rng.NextDouble();                         // 15
                FmaX = V(5); FmaA = 0.5 + rng.NextDouble();                                     // 17
                FmaXNaN = (double[])FmaX.Clone(); FmaXNaN[2] = double.NaN;                      // 17, a NaN entry
                LnX = V(6); LnGamma = V(6, 0.5, 1.5); LnBeta = V(6, -0.2, 0.2);                 // 19 (pos 3)
                QrA = new double[3][];                                                          // 20: diagonally shifted
                for (int i = 0; i < 3; i++) { QrA[i] = V(3); QrA[i][i] += 2; }
                EigM = V(9);                                                                    // 21 (n 3)
                var m = V(9); CholA = new double[3, 3];                                         // 22: A = m mᵀ + 3 I
                for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) { double s = i == j ? 3 : 0; for (int k = 0; k < 3; k++) s += m[i * 3 + k] * m[j * 3 + k]; CholA[i, j] = s; }
                CholB = V(3);
                CgM = V(9); CgB = V(3);                                                         // 23 (tol 1e-12)
                SecA = 1 + rng.NextDouble(); SecC = 2 + rng.NextDouble();                       // 24
                SplineY = V(6);                                                                 // 25 (t 2.3)
                CatmullPts = V(10, -2, 2);                                                      // 26 (6 samples)
                Q0 = Nq(); Q1 = Nq(); SlerpProbe = V(4);                                        // 27 (t 0.3)
                                                                                                // 28 draws nothing
                Orbit0 = new[] { 1.0, 0.0, 0.0, 1.1 };                                          // 29 (mu 1, dt 0.05, 20 steps)
                for (int i = 0; i < 4; i++) Orbit0[i] += 0.05 * (rng.NextDouble() - 0.5);
                SphPos = V(10, 0, 1);                                                           // 31 (h 0.6, rho0 1)
                AttQ = V(6); AttK = V(6); AttV = V(6);                                          // 32 (T 3, d 2)
                Emit = V(12); Trans = V(9);                                                     // 33 (T 4, S 3)
                CtcLogits = V(15, -2, 2);                                                       // 34 (labels 1 2 and 1 1; T 5, C 3)
                Cost = new double[3, 3];                                                        // 35 (eps 0.5, 30 iterations)
                for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) Cost[i, j] = rng.NextDouble();
                DtwA = V(5); DtwB = V(4);                                                       // 36
                AsianZ = new double[20 * 6];                                                    // 37: 20 paths of 6 steps, Box-Muller
                for (int i = 0; i < AsianZ.Length; i++) { double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble(); AsianZ[i] = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2); }
                HestonZ1 = new double[10 * 8]; HestonZ2 = new double[10 * 8];                   // 38: 10 paths of 8 steps
                for (int i = 0; i < HestonZ1.Length; i++)
                {
                    double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
                    HestonZ1[i] = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                    HestonZ2[i] = Math.Sqrt(-2 * Math.Log(u1)) * Math.Sin(2 * Math.PI * u2);
                }
                Anchor = V(3); Positive = Anchor.Select(z => z + 1.5).ToArray();               // 40 (margin 1)
                Negatives = new double[3][];
                for (int i = 0; i < 3; i++) Negatives[i] = V(3);
            }
        }

        private static Sample S => Sample.Inputs;

        private static readonly int[] Tris = { 0, 1, 2, 0, 2, 3, 0, 3, 1 };
        private static readonly double[] IkUpstream = { 0.7, -1.3 };

        private static double TwoLinkIkDot(double l1, double l2, double px, double py)
        {
            var angles = new double[2];
            NaturalRound32.TwoLinkIk(l1, l2, px, py, angles);
            return angles[0] * IkUpstream[0] + angles[1] * IkUpstream[1];
        }

        [Fact]
        public void Sample_replays_the_probe()
        {
            // every value the probe printed (run_output.txt, G10) from its inputs: the replay draws what the probe drew
            static string G(double v) => v.ToString("G10", CultureInfo.InvariantCulture);
            var printed = new (string Name, double Value, string Expected)[]
            {
                ("NeuralOde", NaturalRound32.NeuralOde(S.OdeY0, S.OdeW, 5), "0.3826130166"),
                ("StackScratch", NaturalRound32.StackScratch(S.ScratchX, S.ScratchA), "-1.832680309"),
                ("SpanSlice", NaturalRound32.SpanSlice(S.SliceX, S.SliceK), "1.611763897"),
                ("RingFir", NaturalRound32.RingFir(S.FirSignal, S.FirTaps), "6.192695625"),
                ("GenericSum", NaturalRound32.GenericSum(S.GenericX), "0.3721784551"),
                ("CosineSim", NaturalRound32.CosineSim(S.CosA, S.CosB), "-0.4601681537"),
                ("LogSumExpParams", NaturalRound32.LogSumExpParams(S.LseT, S.LseXs), "1.562698495"),
                ("MeshArea", NaturalRound32.MeshArea(S.Verts, Tris), "3.819185353"),
                ("PolyMag", NaturalRound32.PolyMag(S.PolyC, S.PolyRe, S.PolyIm), "0.7457478336"),
                ("RecursiveHorner", NaturalRound32.RecursiveHorner(S.HornerC, S.HornerX), "-1.381610785"),
                ("FmaScale", NaturalRound32.FmaScale(S.FmaX, S.FmaA), "0.8040620889"),
                ("FmaScale+NaN", NaturalRound32.FmaScale(S.FmaXNaN, S.FmaA), "0.7553046876"),
                ("LnGeluRope", NaturalRound32.LnGeluRope(S.LnX, S.LnGamma, S.LnBeta, 3), "1.098746055"),
                ("QrLogDet", NaturalRound32.QrLogDet(S.QrA), "0.5463218405"),
                ("TopEigen", NaturalRound32.TopEigen(S.EigM, 3), "0.8230025617"),
                ("CholeskyQuad", NaturalRound32.CholeskyQuad(S.CholA, S.CholB), "0.3277834288"),
                ("ConjGrad", NaturalRound32.ConjGrad(S.CgM, S.CgB, 1e-12), "0.3482976833"),
                ("SecantRoot", NaturalRound32.SecantRoot(S.SecA, S.SecC), "1.123741693"),
                ("SplineEval", NaturalRound32.SplineEval(S.SplineY, 2.3), "0.9078561751"),
                ("CatmullRomLength", NaturalRound32.CatmullRomLength(S.CatmullPts, 6), "2.869888228"),
                ("Slerp", NaturalRound32.Slerp(S.Q0, S.Q1, 0.3, S.SlerpProbe), "0.3554039558"),
                ("TwoLinkIk", TwoLinkIkDot(1.0, 0.8, 1.1, 0.6), "-2.233585495"),
                ("Rk4Orbit", NaturalRound32.Rk4Orbit(S.Orbit0, 1.0, 0.05, 20), "1.032045277"),
                ("SphDensity", NaturalRound32.SphDensity(S.SphPos, 0.6, 1.0), "38.5379771"),
                ("CausalAttention", NaturalRound32.CausalAttention(S.AttQ, S.AttK, S.AttV, 3, 2), "-5.152726452"),
                ("ViterbiScore", NaturalRound32.ViterbiScore(S.Emit, S.Trans, 4, 3), "1.904181261"),
                ("CtcLoss", NaturalRound32.CtcLoss(S.CtcLogits, new[] { 1, 2 }, 5, 3), "2.32824646"),
                ("CtcLoss(repeat)", NaturalRound32.CtcLoss(S.CtcLogits, new[] { 1, 1 }, 5, 3), "2.372564691"),
                ("Sinkhorn", NaturalRound32.Sinkhorn(S.Cost, 0.5, 30), "0.5253437763"),
                ("Dtw", NaturalRound32.Dtw(S.DtwA, S.DtwB), "3.505345048"),
                ("AsianCall", NaturalRound32.AsianCall(100, 0.03, 0.2, 1.0, 100, S.AsianZ, 20), "8.204648154"),
                ("HestonMean", NaturalRound32.HestonMean(100, 0.04, 1.5, 0.04, 0.3, -0.6, S.HestonZ1, S.HestonZ2, 10), "98.22529565"),
                ("TripletHard", NaturalRound32.TripletHard(S.Anchor, S.Positive, S.Negatives, 1.0), "7.518659006"),
            };
            Assert.Equal(33, printed.Length); // the probe's 33 cases of the 31 functions (its 3 variants' cases are not here)
            foreach (var (name, value, expected) in printed) Assert.True(G(value) == expected, $"{name}: {G(value)}, the probe printed {expected}");

            // the variants are what their names say
            Assert.True(double.IsNaN(S.FmaXNaN[2]) && !S.FmaX.Any(double.IsNaN)); // FmaScale: one NaN entry, skipped, and none
            double q01 = Enumerable.Range(0, 4).Sum(i => S.Q0[i] * S.Q1[i]);
            Assert.True(Math.Abs(q01) < 0.9995, $"Slerp: |q0 · q1| = {Math.Abs(q01)}"); // the Acos branch, not the lerp
            Assert.True(q01 < 0, $"Slerp: q0 · q1 = {q01}"); // ... with the hemisphere flip
        }

        // ---- 3 to 11 ----

        [Fact] public void NeuralOde() => Check("NeuralOde", S.OdeY0, S.OdeW, 5);

        [Fact] public void StackScratch() => Check("StackScratch", S.ScratchX, S.ScratchA);

        [Fact] public void SpanSlice() => Check("SpanSlice", S.SliceX, S.SliceK);

        [Fact] public void RingFir() => Check("RingFir", S.FirSignal, S.FirTaps);

        [Fact] public void GenericSum() => Check("GenericSum", S.GenericX);

        [Fact] public void CosineSim() => Check("CosineSim", S.CosA, S.CosB);

        [Fact] public void LogSumExpParams() => Check("LogSumExpParams", S.LseT, S.LseXs); // the params array passed as an array

        [Fact] public void MeshArea() => Check("MeshArea", S.Verts, Tris);

        [Fact] public void PolyMag() => Check("PolyMag", S.PolyC, S.PolyRe, S.PolyIm);

        // ---- 15 to 29 ----

        [Fact] public void RecursiveHorner() => Check("RecursiveHorner", S.HornerC, S.HornerX);

        [Fact] public void FmaScale() => Check("FmaScale", S.FmaX, S.FmaA);

        [Fact] public void FmaScale_NaN_entry() => Check("FmaScale", S.FmaXNaN, S.FmaA); // skipped by IsNaN: its gradient 0

        [Fact] public void LnGeluRope() => Check("LnGeluRope", S.LnX, S.LnGamma, S.LnBeta, 3);

        [Fact] public void QrLogDet() => Check("QrLogDet", (object)S.QrA); // one jagged argument

        [Fact] public void TopEigen() => Check("TopEigen", S.EigM, 3);

        [Fact] public void CholeskyQuad() => Check("CholeskyQuad", S.CholA, S.CholB);

        [Fact] public void ConjGrad() => Check("ConjGrad", S.CgM, S.CgB, 1e-12);

        [Fact] public void SecantRoot() => Check("SecantRoot", S.SecA, S.SecC);

        [Fact] public void SplineEval() => Check("SplineEval", S.SplineY, 2.3);

        [Fact] public void CatmullRomLength() => Check("CatmullRomLength", S.CatmullPts, 6);

        [Fact] public void Slerp() => Check("Slerp", S.Q0, S.Q1, 0.3, S.SlerpProbe);

        [Fact] public void TwoLinkIk() => Check("TwoLinkIk", 1.0, 0.8, 1.1, 0.6, new double[2]); // void, writing angles

        [Fact]
        public void TwoLinkIk_probe_upstream()
        {
            // the probe's loss L = 0.7 q1 - 1.3 q2 as the angles' upstream gradient: Backward leaves it alone, its gradients are L's
            var angles = new double[2];
            var ag = (double[])IkUpstream.Clone();
            NaturalRound32.TwoLinkIkBackward(1.0, 0.8, 1.1, 0.6, angles, out double gl1, out double gl2, out double gpx, out double gpy, ag);
            Assert.Equal(IkUpstream, ag);
            DiffGen.Tests.Check.Near(-2.233585495, angles[0] * IkUpstream[0] + angles[1] * IkUpstream[1], 1e-9, "angles"); // printed value
            DiffGen.Tests.Check.Gradient(new[]
            {
                FiniteDiff.Derivative(v => TwoLinkIkDot(v, 0.8, 1.1, 0.6), 1.0),
                FiniteDiff.Derivative(v => TwoLinkIkDot(1.0, v, 1.1, 0.6), 0.8),
                FiniteDiff.Derivative(v => TwoLinkIkDot(1.0, 0.8, v, 0.6), 1.1),
                FiniteDiff.Derivative(v => TwoLinkIkDot(1.0, 0.8, 1.1, v), 0.6),
            }, new[] { gl1, gl2, gpx, gpy }, "d(l1, l2, px, py)");
            Assert.Equal("-1.5389735512", gl1.ToString("F10", CultureInfo.InvariantCulture)); // what the probe printed for in#0
        }

        [Fact] public void Rk4Orbit() => Check("Rk4Orbit", S.Orbit0, 1.0, 0.05, 20);

        // ---- 31 to 40 ----

        [Fact] public void SphDensity() => Check("SphDensity", S.SphPos, 0.6, 1.0);

        [Fact] public void CausalAttention() => Check("CausalAttention", S.AttQ, S.AttK, S.AttV, 3, 2); // -∞ scores above the diagonal

        [Fact] public void ViterbiScore() => Check("ViterbiScore", S.Emit, S.Trans, 4, 3);

        [Fact] public void CtcLoss() => Check("CtcLoss", S.CtcLogits, new[] { 1, 2 }, 5, 3);

        [Fact] public void CtcLoss_repeated_label() => Check("CtcLoss", S.CtcLogits, new[] { 1, 1 }, 5, 3); // no skip between the 1s

        [Fact] public void Sinkhorn() => Check("Sinkhorn", S.Cost, 0.5, 30);

        [Fact] public void Dtw() => Check("Dtw", S.DtwA, S.DtwB); // +∞ borders

        [Fact] public void AsianCall() => Check("AsianCall", 100.0, 0.03, 0.2, 1.0, 100.0, S.AsianZ, 20);

        [Fact] public void HestonMean() => Check("HestonMean", 100.0, 0.04, 1.5, 0.04, 0.3, -0.6, S.HestonZ1, S.HestonZ2, 10);

        [Fact] public void TripletHard() => Check("TripletHard", S.Anchor, S.Positive, S.Negatives, 1.0);
    }
}
