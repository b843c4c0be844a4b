using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Classification and metric-learning losses written as plain loops.</summary>
    public static partial class Classification
    {
        /// <summary>
        /// Mean softmax cross-entropy of logits = x w (n x c, computed with loops) against int labels.
        /// The row maximum (max trick) is found with an if on values; labels index the logits.
        /// </summary>
        [Differentiable]
        public static double SoftmaxCrossEntropy(double[,] x, double[,] w, int[] labels)
        {
            int n = x.GetLength(0);
            int d = x.GetLength(1);
            int c = w.GetLength(1);
            double[,] logits = new double[n, c];
            double mx = 0;
            double sum = 0;
            double loss = 0;

            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < c; j++)
                {
                    for (int k = 0; k < d; k++)
                    {
                        logits[i, j] += x[i, k] * w[k, j];
                    }
                }
            }

            for (int i = 0; i < n; i++)
            {
                mx = logits[i, 0];
                for (int j = 1; j < c; j++)
                {
                    if (logits[i, j] > mx)
                    {
                        mx = logits[i, j];
                    }
                }
                sum = 0;
                for (int j = 0; j < c; j++)
                {
                    sum += Math.Exp(logits[i, j] - mx);
                }
                loss += Math.Log(sum) + mx - logits[i, labels[i]];
            }
            return loss / n;
        }

        /// <summary>Mean triplet margin loss max(0, |a-p|^2 - |a-n|^2 + margin) over rows.</summary>
        [Differentiable]
        public static double TripletLoss(double[,] anchor, double[,] positive, double[,] negative, double margin)
        {
            int n = anchor.GetLength(0);
            int d = anchor.GetLength(1);
            double dp = 0;
            double dn = 0;
            double diff = 0;
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                dp = 0;
                dn = 0;
                for (int k = 0; k < d; k++)
                {
                    diff = anchor[i, k] - positive[i, k];
                    dp += diff * diff;
                    diff = anchor[i, k] - negative[i, k];
                    dn += diff * diff;
                }
                loss += Math.Max(0.0, dp - dn + margin);
            }
            return loss / n;
        }

        /// <summary>
        /// CLIP's symmetric contrastive loss: rows of img and txt are L2-normalised into local copies,
        /// logits = exp(logScale) * a t^T, and the loss is the mean of the row-wise (image to text) and
        /// column-wise (text to image) cross-entropies with the diagonal as labels. Uses Math.Max for the
        /// max trick and overwrites a scalar with a function of itself (norm = Math.Sqrt(norm)).
        /// </summary>
        [Differentiable]
        public static double ClipLoss(double[,] img, double[,] txt, double logScale)
        {
            int n = img.GetLength(0);
            int d = img.GetLength(1);
            double[,] a = new double[n, d];
            double[,] t = new double[n, d];
            double[,] logits = new double[n, n];
            double scale = Math.Exp(logScale);
            double norm = 0;
            double mx = 0;
            double s = 0;
            double loss = 0;

            for (int i = 0; i < n; i++)
            {
                norm = 0;
                for (int k = 0; k < d; k++)
                {
                    norm += img[i, k] * img[i, k];
                }
                norm = Math.Sqrt(norm);
                for (int k = 0; k < d; k++)
                {
                    a[i, k] = img[i, k] / norm;
                }

                norm = 0;
                for (int k = 0; k < d; k++)
                {
                    norm += txt[i, k] * txt[i, k];
                }
                norm = Math.Sqrt(norm);
                for (int k = 0; k < d; k++)
                {
                    t[i, k] = txt[i, k] / norm;
                }
            }

            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    for (int k = 0; k < d; k++)
                    {
                        logits[i, j] += a[i, k] * t[j, k];
                    }
                    logits[i, j] *= scale;
                }
            }

            // image -> text: cross-entropy of each row against its diagonal entry
            for (int i = 0; i < n; i++)
            {
                mx = logits[i, 0];
                for (int j = 1; j < n; j++)
                {
                    mx = Math.Max(mx, logits[i, j]);
                }
                s = 0;
                for (int j = 0; j < n; j++)
                {
                    s += Math.Exp(logits[i, j] - mx);
                }
                loss += mx + Math.Log(s) - logits[i, i];
            }

            // text -> image: the same over columns
            for (int j = 0; j < n; j++)
            {
                mx = logits[0, j];
                for (int i = 1; i < n; i++)
                {
                    mx = Math.Max(mx, logits[i, j]);
                }
                s = 0;
                for (int i = 0; i < n; i++)
                {
                    s += Math.Exp(logits[i, j] - mx);
                }
                loss += mx + Math.Log(s) - logits[j, j];
            }

            return loss / (2 * n);
        }

        /// <summary>log(sum(exp(x))) with the max trick (the maximum found by an if, starting from x[0]).</summary>
        [Differentiable]
        public static double LogSumExp(double[] x)
        {
            int n = x.Length;
            double mx = x[0];
            double s = 0;
            for (int i = 1; i < n; i++)
            {
                if (x[i] > mx)
                {
                    mx = x[i];
                }
            }
            for (int i = 0; i < n; i++)
            {
                s += Math.Exp(x[i] - mx);
            }
            return mx + Math.Log(s);
        }
    }
}
