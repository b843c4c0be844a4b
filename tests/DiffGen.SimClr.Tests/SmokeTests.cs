using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using DiffGen.Samples.SimClr;
using SkiaSharp;
using Xunit;
using Xunit.Abstractions;

namespace DiffGen.SimClr.Tests
{
    /// <summary>The whole sample, end to end, on a subset: one short epoch, the three probes and the two PNG pictures.</summary>
    public sealed class SmokeTests : IDisposable
    {
        private static readonly byte[] PngSignature = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
        private readonly string _out = Path.Combine(Path.GetTempPath(), "simclr-smoke-" + Guid.NewGuid().ToString("N"));
        private readonly ITestOutputHelper _log;

        public SmokeTests(ITestOutputHelper log) => _log = log;

        public void Dispose()
        {
            if (Directory.Exists(_out)) Directory.Delete(_out, recursive: true);
        }

        [Fact]
        public void TheShippedDataIsTheDigits()
        {
            var data = Digits.Load();
            Assert.Equal(1797, data.Count);
            Assert.All(Enumerable.Range(0, 10), d => Assert.Contains(d, data.Labels));
            float max = 0;
            foreach (float v in data.Images) max = Math.Max(max, v);
            Assert.Equal(1f, max);
            var (train, test) = data.Split(0.25, seed: 1);
            Assert.Equal(1797, train.Count + test.Count);
            Assert.InRange(test.Count, 440, 460);
        }

        [Fact]
        public void OneShortEpochTrainsProbesAndDrawsValidPngs()
        {
            var options = new SimClrOptions
            {
                Epochs = 1,
                Batch = 64,
                TrainLimit = 640,
                Backend = BackendChoice.Cpu,
                OutDir = _out,
                LearningRate = 3e-3f,
            };
            var report = SimClrExperiment.Run(options, probe: new LinearProbe { Iterations = 100 });
            var losses = report.Training.StepLosses;
            _log.WriteLine("losses: " + string.Join(", ", losses.Select(l => l.ToString("F4"))));
            foreach (var p in report.Probes) _log.WriteLine($"{p.Name}: train {p.TrainAccuracy:P1}, held out {p.TestAccuracy:P1}");

            // Training: 10 steps of 64 images, finite, starting near log(2B - 1) (random projections), and going down.
            Assert.Equal(10, losses.Count);
            Assert.All(losses, l => Assert.True(float.IsFinite(l)));
            Assert.InRange(losses[0], 3.5f, 5.5f);
            Assert.True(losses.Skip(7).Average() < losses.Take(3).Average() - 0.05, "the loss does not decrease over the epoch");
            Assert.Equal("cpu", report.Training.Backend);

            // Probes: three, on the held-out split, all well above chance (10 %).
            Assert.Equal(3, report.Probes.Count);
            Assert.All(report.Probes, p => Assert.InRange(p.TestAccuracy, 0.5, 1.0));
            Assert.Equal(options.Architecture.Features, report.Probes[0].Dimensions);
            Assert.Equal(64, report.Probes[2].Dimensions);

            // Pictures: real PNG files that decode (ScottPlot and SkiaSharp's native library work on this box).
            AssertPng(report.LossPng, 800, 500);
            AssertPng(report.EmbeddingPng, 700, 600);
            Assert.Equal(Path.Combine(Path.GetFullPath(_out), SimClrExperiment.LossFile), report.LossPng);
        }

        private static void AssertPng(string path, int width, int height)
        {
            Assert.True(File.Exists(path), path + " was not written");
            byte[] bytes = File.ReadAllBytes(path);
            Assert.True(bytes.Length > 5000, $"{path} is only {bytes.Length} bytes");
            Assert.Equal(PngSignature, bytes[..8]);
            Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
            Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
            Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
            using var bitmap = SKBitmap.Decode(path);
            Assert.NotNull(bitmap);
            Assert.Equal(width, bitmap.Width);
            Assert.Equal(height, bitmap.Height);
            // Not a blank canvas: a plot has many distinct colours.
            var colours = new System.Collections.Generic.HashSet<SKColor>();
            for (int y = 0; y < height; y += 7)
                for (int x = 0; x < width; x += 7) colours.Add(bitmap.GetPixel(x, y));
            Assert.True(colours.Count > 5, $"{path} has only {colours.Count} colours");
        }
    }
}
