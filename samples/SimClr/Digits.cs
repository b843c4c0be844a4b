using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;

namespace DiffGen.Samples.SimClr
{
    /// <summary>
    /// The UCI handwritten digits (1797 images of 8 × 8 pixels, labels 0..9; see Data/README.md for the source and
    /// licence): one image per row of <see cref="Images"/>, pixels scaled from 0..16 to 0..1.
    /// </summary>
    public sealed class Digits
    {
        /// <summary>Image side in pixels.</summary>
        public const int Side = 8;

        /// <summary>Pixels per image.</summary>
        public const int Pixels = Side * Side;

        /// <summary>Number of classes.</summary>
        public const int Classes = 10;

        /// <summary>Creates a set from images (n × 64, values 0..1) and labels (n).</summary>
        public Digits(float[,] images, int[] labels)
        {
            ArgumentNullException.ThrowIfNull(images);
            ArgumentNullException.ThrowIfNull(labels);
            if (images.GetLength(1) != Pixels) throw new ArgumentException($"images must have {Pixels} columns.", nameof(images));
            if (images.GetLength(0) != labels.Length) throw new ArgumentException("one label per image.", nameof(labels));
            Images = images;
            Labels = labels;
        }

        /// <summary>n × 64 pixels in 0..1, row-major 8 × 8 per image.</summary>
        public float[,] Images { get; }

        /// <summary>Digit of each image.</summary>
        public int[] Labels { get; }

        /// <summary>Number of images.</summary>
        public int Count => Labels.Length;

        /// <summary>Where the shipped copy lies next to the built program.</summary>
        public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "Data", "digits.csv.gz");

        /// <summary>Reads the gzip CSV (64 pixel values 0..16 then the label per line).</summary>
        public static Digits Load(string? path = null)
        {
            path ??= DefaultPath;
            if (!File.Exists(path)) throw new FileNotFoundException($"The digits data set is not at '{path}'.", path);
            var pixels = new List<float[]>();
            var labels = new List<int>();
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new StreamReader(gzip);
            string? line;
            int lineNumber = 0;
            while ((line = reader.ReadLine()) is not null)
            {
                lineNumber++;
                if (line.Length == 0) continue;
                string[] parts = line.Split(',');
                if (parts.Length != Pixels + 1) throw new InvalidDataException($"{path}:{lineNumber}: expected {Pixels + 1} values, found {parts.Length}.");
                var row = new float[Pixels];
                for (int p = 0; p < Pixels; p++) row[p] = float.Parse(parts[p], CultureInfo.InvariantCulture) / 16f;
                pixels.Add(row);
                labels.Add(int.Parse(parts[Pixels], CultureInfo.InvariantCulture));
            }
            var images = new float[pixels.Count, Pixels];
            for (int i = 0; i < pixels.Count; i++)
                for (int p = 0; p < Pixels; p++) images[i, p] = pixels[i][p];
            return new Digits(images, labels.ToArray());
        }

        /// <summary>The rows <paramref name="indices"/>, in that order.</summary>
        public Digits Subset(IReadOnlyList<int> indices)
        {
            var images = new float[indices.Count, Pixels];
            var labels = new int[indices.Count];
            for (int i = 0; i < indices.Count; i++)
            {
                for (int p = 0; p < Pixels; p++) images[i, p] = Images[indices[i], p];
                labels[i] = Labels[indices[i]];
            }
            return new Digits(images, labels);
        }

        /// <summary>
        /// A stratified random split: about <paramref name="testFraction"/> of each digit goes to the held-out set.
        /// The split depends on <paramref name="seed"/> only.
        /// </summary>
        public (Digits Train, Digits Test) Split(double testFraction, int seed)
        {
            if (testFraction <= 0 || testFraction >= 1) throw new ArgumentOutOfRangeException(nameof(testFraction));
            var rng = new Random(seed);
            var train = new List<int>();
            var test = new List<int>();
            for (int c = 0; c < Classes; c++)
            {
                var members = new List<int>();
                for (int i = 0; i < Count; i++) if (Labels[i] == c) members.Add(i);
                Shuffle(members, rng);
                int nTest = (int)Math.Round(members.Count * testFraction);
                test.AddRange(members.GetRange(0, nTest));
                train.AddRange(members.GetRange(nTest, members.Count - nTest));
            }
            Shuffle(train, rng);
            Shuffle(test, rng);
            return (Subset(train), Subset(test));
        }

        /// <summary>The first <paramref name="n"/> images (all when n ≤ 0 or n ≥ Count).</summary>
        public Digits Take(int n)
        {
            if (n <= 0 || n >= Count) return this;
            var idx = new int[n];
            for (int i = 0; i < n; i++) idx[i] = i;
            return Subset(idx);
        }

        internal static void Shuffle<T>(IList<T> list, Random rng)
        {
            for (int i = list.Count - 1; i > 0; i--)
            {
                int j = rng.Next(i + 1);
                (list[i], list[j]) = (list[j], list[i]);
            }
        }
    }
}
