using System;
using System.Globalization;

namespace DiffGen.Samples.NtXent
{
    /// <summary>
    /// SimCLR's NT-Xent loss (arXiv 2002.05709, Eq. 1) written the way the question wrote it in numpy: plain
    /// loops you can check against the paper. [Differentiable] makes DiffGen generate, at build time,
    /// <c>NtXentForward</c> (the same value) and <c>NtXentBackward</c> (the value and dL/dzi, dL/dzj, dL/dtau)
    /// next to it; likewise for <c>ProjectedNtXent</c>, differentiated with respect to the projection w only.
    /// </summary>
    public static partial class Losses
    {
        /// <summary>NT-Xent over two views zi, zj (B x D each), temperature tau. Differentiated wrt zi, zj and tau.</summary>
        [Differentiable]
        public static double NtXent(double[,] zi, double[,] zj, double tau)
        {
            int B = zi.GetLength(0);
            int D = zi.GetLength(1);
            int N = 2 * B;

            // z = np.concatenate((zi, zj), 0)
            double[,] z = new double[N, D];
            for (int r = 0; r < B; r++)
            {
                for (int d = 0; d < D; d++)
                {
                    z[r, d] = zi[r, d];
                    z[r + B, d] = zj[r, d];
                }
            }

            // loss = 0
            double loss = 0;
            double dot = 0;
            double normI = 0;
            double normJ = 0;
            double normM = 0;
            double simIJ = 0;
            double simJI = 0;
            double numeratorIJ = 0;
            double numeratorJI = 0;
            double denominatorIK = 0;
            double denominatorJK = 0;
            double lossIJ = 0;
            double lossJI = 0;

            // for k in range(zi.shape[0]):   (i = k, j = k + zi.shape[0])
            for (int k = 0; k < B; k++)
            {
                // sim_ij = cosine_similarity(z[i], z[j])
                dot = 0;
                normI = 0;
                normJ = 0;
                for (int d = 0; d < D; d++)
                {
                    dot += z[k, d] * z[k + B, d];
                    normI += z[k, d] * z[k, d];
                    normJ += z[k + B, d] * z[k + B, d];
                }
                simIJ = dot / (Math.Sqrt(normI) * Math.Sqrt(normJ));

                // sim_ji = cosine_similarity(z[j], z[i])
                dot = 0;
                normJ = 0;
                normI = 0;
                for (int d = 0; d < D; d++)
                {
                    dot += z[k + B, d] * z[k, d];
                    normJ += z[k + B, d] * z[k + B, d];
                    normI += z[k, d] * z[k, d];
                }
                simJI = dot / (Math.Sqrt(normJ) * Math.Sqrt(normI));

                // numerator_ij = np.exp(sim_ij / tau); numerator_ji = np.exp(sim_ji / tau)
                numeratorIJ = Math.Exp(simIJ / tau);
                numeratorJI = Math.Exp(simJI / tau);

                // sim_ik = cosine_similarity(z[i], z[np.arange(z.shape[0]) != i])
                // denominator_ik = np.sum(np.exp(sim_ik / tau))
                denominatorIK = 0;
                for (int m = 0; m < N; m++)
                {
                    if (m == k) continue;
                    dot = 0;
                    normM = 0;
                    for (int d = 0; d < D; d++)
                    {
                        dot += z[k, d] * z[m, d];
                        normM += z[m, d] * z[m, d];
                    }
                    denominatorIK += Math.Exp(dot / (Math.Sqrt(normI) * Math.Sqrt(normM)) / tau);
                }

                // sim_jk = cosine_similarity(z[j], z[np.arange(z.shape[0]) != j])
                // denominator_jk = np.sum(np.exp(sim_jk / tau))
                denominatorJK = 0;
                for (int m = 0; m < N; m++)
                {
                    if (m == k + B) continue;
                    dot = 0;
                    normM = 0;
                    for (int d = 0; d < D; d++)
                    {
                        dot += z[k + B, d] * z[m, d];
                        normM += z[m, d] * z[m, d];
                    }
                    denominatorJK += Math.Exp(dot / (Math.Sqrt(normJ) * Math.Sqrt(normM)) / tau);
                }

                // loss_ij = - np.log(numerator_ij / denominator_ik)
                // loss_ji = - np.log(numerator_ji / denominator_jk)
                lossIJ = -Math.Log(numeratorIJ / denominatorIK);
                lossJI = -Math.Log(numeratorJI / denominatorJK);

                // loss += loss_ij + loss_ji
                loss += lossIJ + lossJI;
            }

            // loss /= z.shape[0]
            loss /= N;
            return loss;
        }

        /// <summary>
        /// NT-Xent of a linear projection: z = [xi; xj] W computed in loops, then the same loss.
        /// Differentiated with respect to the projection w only (what SGD trains).
        /// </summary>
        [Differentiable(nameof(w))]
        public static double ProjectedNtXent(double[,] xi, double[,] xj, double[,] w, double tau)
        {
            int B = xi.GetLength(0);
            int Din = xi.GetLength(1);
            int D = w.GetLength(1);
            int N = 2 * B;

            double[,] z = new double[N, D];
            for (int r = 0; r < B; r++)
            {
                for (int d = 0; d < D; d++)
                {
                    for (int c = 0; c < Din; c++)
                    {
                        z[r, d] += xi[r, c] * w[c, d];
                        z[r + B, d] += xj[r, c] * w[c, d];
                    }
                }
            }

            double[] norm = new double[N];
            for (int r = 0; r < N; r++)
            {
                for (int d = 0; d < D; d++)
                {
                    norm[r] += z[r, d] * z[r, d];
                }
                norm[r] = Math.Sqrt(norm[r]);
            }

            double loss = 0;
            double dot = 0;
            double positive = 0;
            double denominator = 0;
            for (int a = 0; a < N; a++)
            {
                denominator = 0;
                positive = 0;
                for (int m = 0; m < N; m++)
                {
                    if (m == a) continue;
                    dot = 0;
                    for (int d = 0; d < D; d++)
                    {
                        dot += z[a, d] * z[m, d];
                    }
                    denominator += Math.Exp(dot / (norm[a] * norm[m]) / tau);
                    if (m == a + B)
                    {
                        positive = dot / (norm[a] * norm[m]) / tau;
                    }
                    if (m == a - B)
                    {
                        positive = dot / (norm[a] * norm[m]) / tau;
                    }
                }
                loss += Math.Log(denominator) - positive;
            }
            return loss / N;
        }
    }

    /// <summary>
    /// 1. the loss on random two-view data; 2. the generated gradient against finite differences of the loop
    /// method; 3. a linear projection trained with plain SGD on that gradient. With arguments
    /// <c>bench --batch B --dim D</c>: the float32 timing mode (<see cref="Bench"/>).
    /// </summary>
    internal static class Program
    {
        private const double LearningRate = 0.3;

        private static int Main(string[] args)
        {
            if (args.Length > 0)
            {
                if (args[0] == "bench")
                    return Bench.Run(args[1..]);
                Console.Error.WriteLine($"unknown command '{args[0]}' (no arguments: the demo; 'bench': the float32 timing mode)");
                Console.Error.WriteLine(Bench.Usage);
                return 2;
            }

            // Where generated code runs: DIFFGEN_BACKEND=cpu|cuda|auto (auto: the GPU for large calls when CUDA works).
            Console.WriteLine(DiffGen.Cuda.CudaEnvironment.IsAvailable
                ? $"Backend: {DiffGen.Cuda.BackendSelector.Requested} (CUDA available: {DiffGen.Cuda.CudaEnvironment.DeviceCount} device(s))"
                : $"Backend: {DiffGen.Cuda.BackendSelector.Requested}; CUDA not available here, so everything runs on the CPU ({DiffGen.Cpu.Gemm.MaxDegreeOfParallelism} threads).");
            Console.WriteLine();
            var rng = new Random(2020);
            bool ok = GradientCheck(rng);
            Train(rng);
            return ok ? 0 : 1;
        }

        private static bool GradientCheck(Random rng)
        {
            const int B = 8, D = 16;
            const double tau = 0.5;
            var zi = Matrix(rng, B, D, 1.0);
            var zj = Matrix(rng, B, D, 1.0);

            double loss = Losses.NtXent(zi, zj, tau);
            var ziGrad = new double[B, D];
            var zjGrad = new double[B, D];
            double value = Losses.NtXentBackward(zi, zj, tau, ziGrad, zjGrad, out double tauGrad);
            Console.WriteLine($"NT-Xent on random two-view data (B = {B}, D = {D}, tau = {tau}):");
            Console.WriteLine($"  loop code  NtXent         = {F(loss)}");
            Console.WriteLine($"  generated  NtXentForward  = {F(Losses.NtXentForward(zi, zj, tau))}");
            Console.WriteLine($"  generated  NtXentBackward = {F(value)}");
            Console.WriteLine();

            Console.WriteLine("Generated gradient vs central finite differences of the loop method (h = 1e-6):");
            Console.WriteLine("  entry            generated            finite diff.         |diff|");
            double worst = 0;
            foreach (var (row, col) in new[] { (0, 0), (3, 5), (7, 15) })
            {
                worst = Math.Max(worst, Report($"dL/dzi[{row},{col}]", ziGrad[row, col], Fd(v => { double old = zi[row, col]; zi[row, col] = v; double f = Losses.NtXent(zi, zj, tau); zi[row, col] = old; return f; }, zi[row, col])));
                worst = Math.Max(worst, Report($"dL/dzj[{row},{col}]", zjGrad[row, col], Fd(v => { double old = zj[row, col]; zj[row, col] = v; double f = Losses.NtXent(zi, zj, tau); zj[row, col] = old; return f; }, zj[row, col])));
            }
            worst = Math.Max(worst, Report("dL/dtau", tauGrad, Fd(t => Losses.NtXent(zi, zj, t), tau)));
            bool ok = worst <= 1e-6;
            Console.WriteLine(ok ? $"  gradient check passed (max |diff| / max(1, |g|) = {worst:E1})" : $"  GRADIENT CHECK FAILED (max |diff| / max(1, |g|) = {worst:E1})");
            Console.WriteLine();
            return ok;
        }

        private static void Train(Random rng)
        {
            // Synthetic two-view data: example b has a latent signal u_b in the first Signal input dimensions;
            // each of its two views adds independent "augmentation" noise, strong in the other dimensions.
            // A random projection mixes that noise in, so the two views of an example look unrelated; NT-Xent
            // rewards a projection that keeps the signal and drops the nuisance dimensions.
            const int B = 32, Din = 16, D = 8, Signal = 4, Steps = 30;
            const double tau = 0.2, lr = LearningRate, nuisance = 1.5, jitter = 0.1;
            var u = Matrix(rng, B, Signal, 1.0);
            var w = Matrix(rng, Din, D, 0.3);
            var wGrad = new double[Din, D];
            var xi = new double[B, Din];
            var xj = new double[B, Din];

            Console.WriteLine($"Training a linear projection W ({Din} x {D}) with SGD on ProjectedNtXent (B = {B}, tau = {tau}, lr = {lr}),");
            Console.WriteLine("fresh augmentation noise every step; the gradient is ProjectedNtXentBackward's dL/dW:");
            double first = 0, last = 0;
            for (int step = 0; step < Steps; step++)
            {
                for (int b = 0; b < B; b++)
                {
                    for (int c = 0; c < Din; c++)
                    {
                        double signal = c < Signal ? u[b, c] : 0.0;
                        double scale = c < Signal ? jitter : nuisance;
                        xi[b, c] = signal + scale * Normal(rng);
                        xj[b, c] = signal + scale * Normal(rng);
                    }
                }
                double loss = Losses.ProjectedNtXentBackward(xi, xj, w, tau, wGrad);
                for (int c = 0; c < Din; c++)
                    for (int d = 0; d < D; d++)
                        w[c, d] -= lr * wGrad[c, d];
                if (step == 0) first = loss;
                last = loss;
                Console.WriteLine($"  step {step + 1,2}  loss {F(loss)}");
            }
            Console.WriteLine($"Loss {F(first)} -> {F(last)} (chance level log(2B - 1) = {F(Math.Log(2 * B - 1))}).");

            // what W learned: the rows that read the signal dimensions dominate the nuisance rows
            double signalNorm = 0, nuisanceNorm = 0;
            for (int c = 0; c < Din; c++)
                for (int d = 0; d < D; d++)
                    if (c < Signal) signalNorm += w[c, d] * w[c, d]; else nuisanceNorm += w[c, d] * w[c, d];
            Console.WriteLine($"RMS weight on signal inputs {F(Math.Sqrt(signalNorm / (Signal * D)))}, on nuisance inputs {F(Math.Sqrt(nuisanceNorm / ((Din - Signal) * D)))}.");
        }

        private static double Report(string name, double generated, double fd)
        {
            double diff = Math.Abs(generated - fd);
            Console.WriteLine($"  {name,-14} {F(generated),20} {F(fd),20} {diff,12:E2}");
            return diff / Math.Max(1.0, Math.Abs(fd));
        }

        private static double Fd(Func<double, double> f, double x)
        {
            double h = 1e-6 * Math.Max(1.0, Math.Abs(x));
            return (f(x + h) - f(x - h)) / ((x + h) - (x - h));
        }

        private static double Normal(Random rng) =>
            Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());

        private static double[,] Matrix(Random rng, int rows, int cols, double scale)
        {
            var m = new double[rows, cols];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    m[i, j] = scale * Normal(rng);
            return m;
        }

        private static string F(double v) => v.ToString("F12", CultureInfo.InvariantCulture);
    }
}
