using System;

namespace DiffGen.Samples.SimClr
{
    /// <summary>
    /// The stochastic data augmentation of SimCLR (the paper's crop, colour distortion and blur, scaled down to
    /// 8 × 8 grey digits): a random shift by up to <see cref="MaxShift"/> pixels (zero padded), a random contrast
    /// and brightness change, random erasing of a small rectangle, and Gaussian pixel noise, clipped to 0..1.
    /// Each call draws a new transformation; two calls on one image give SimCLR's two correlated views.
    /// </summary>
    public sealed class Augmenter
    {
        /// <summary>Largest shift in pixels, in each direction.</summary>
        public int MaxShift { get; init; } = 1;

        /// <summary>Contrast factor drawn uniformly from [1 - c, 1 + c].</summary>
        public float Contrast { get; init; } = 0.4f;

        /// <summary>Brightness offset drawn uniformly from [-b, b].</summary>
        public float Brightness { get; init; } = 0.1f;

        /// <summary>Probability of erasing a rectangle.</summary>
        public float EraseProbability { get; init; } = 0.5f;

        /// <summary>Largest side of the erased rectangle (at least 1).</summary>
        public int EraseMaxSide { get; init; } = 3;

        /// <summary>Standard deviation of the additive Gaussian pixel noise.</summary>
        public float Noise { get; init; } = 0.1f;

        /// <summary>Writes one random view of <paramref name="image"/> (64 pixels) into <paramref name="view"/>.</summary>
        public void View(ReadOnlySpan<float> image, Span<float> view, Random rng)
        {
            const int S = Digits.Side;
            if (image.Length != Digits.Pixels || view.Length != Digits.Pixels) throw new ArgumentException("64 pixels per image.");

            // Random shift (the 8 × 8 analogue of a random crop and resize).
            int dx = rng.Next(-MaxShift, MaxShift + 1);
            int dy = rng.Next(-MaxShift, MaxShift + 1);
            for (int r = 0; r < S; r++)
            {
                for (int c = 0; c < S; c++)
                {
                    int sr = r - dy, sc = c - dx;
                    view[r * S + c] = sr >= 0 && sr < S && sc >= 0 && sc < S ? image[sr * S + sc] : 0f;
                }
            }

            // Contrast about the image mean, and brightness (the grey-level analogue of colour distortion).
            float mean = 0;
            for (int p = 0; p < Digits.Pixels; p++) mean += view[p];
            mean /= Digits.Pixels;
            float contrast = 1f + Contrast * (2f * (float)rng.NextDouble() - 1f);
            float brightness = Brightness * (2f * (float)rng.NextDouble() - 1f);
            for (int p = 0; p < Digits.Pixels; p++) view[p] = mean + contrast * (view[p] - mean) + brightness;

            // Random erasing (cutout) of a rectangle.
            if (rng.NextDouble() < EraseProbability)
            {
                int h = rng.Next(1, EraseMaxSide + 1);
                int w = rng.Next(1, EraseMaxSide + 1);
                int top = rng.Next(0, S - h + 1);
                int left = rng.Next(0, S - w + 1);
                for (int r = top; r < top + h; r++)
                    for (int c = left; c < left + w; c++) view[r * S + c] = 0f;
            }

            // Gaussian pixel noise, then clip to the valid range.
            for (int p = 0; p < Digits.Pixels; p++)
            {
                float v = view[p] + Noise * Gaussian(rng);
                view[p] = v < 0f ? 0f : v > 1f ? 1f : v;
            }
        }

        /// <summary>A standard normal draw (Box–Muller).</summary>
        internal static float Gaussian(Random rng)
        {
            double u1 = 1.0 - rng.NextDouble();
            double u2 = rng.NextDouble();
            return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }
    }
}
