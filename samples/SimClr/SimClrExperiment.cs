using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using DiffGen.Cuda.Execution;

namespace DiffGen.Samples.SimClr
{
    /// <summary>What one run produced: the training, the three probes and the pictures.</summary>
    public sealed record RunReport(
        SimClrOptions Options,
        TrainResult Training,
        IReadOnlyList<ProbeResult> Probes,
        string LossPng,
        string EmbeddingPng,
        int TrainImages,
        int TestImages,
        TimeSpan ProbeTime,
        TimeSpan Total);

    /// <summary>
    /// The whole sample, callable from code (the console program and the tests use it): split the digits, train
    /// SimCLR on the training images without their labels, then fit linear probes on the frozen features of the
    /// trained encoder, of the same encoder at its random initialisation and of the raw pixels, score them on the
    /// held-out images, and draw the loss curve and the PCA of the held-out embeddings.
    /// </summary>
    public static class SimClrExperiment
    {
        /// <summary>File name of the loss curve inside the output folder.</summary>
        public const string LossFile = "simclr-loss.png";

        /// <summary>File name of the embedding picture inside the output folder.</summary>
        public const string EmbeddingFile = "simclr-embedding-pca.png";

        /// <summary>Runs everything. <paramref name="onStep"/> sees every training step; <paramref name="onPhase"/> each phase's name.</summary>
        public static RunReport Run(SimClrOptions options, Digits? data = null, Action<StepReport>? onStep = null, Action<string>? onPhase = null, IKernelDevice? device = null, LinearProbe? probe = null)
        {
            ArgumentNullException.ThrowIfNull(options);
            var total = Stopwatch.StartNew();
            data ??= Digits.Load();
            var (train, test) = data.Split(options.TestFraction, options.Seed);

            TrainResult training;
            Parameters initial, trained;
            int trainImages;
            using (var trainer = new SimClrTrainer(options, train, device))
            {
                onPhase?.Invoke($"training on {trainer.Backend}");
                training = trainer.Train(onStep);
                initial = trainer.Initial;
                trained = trainer.Current;
                trainImages = trainer.TrainSet.Count;
            }

            onPhase?.Invoke("linear probes");
            var probeClock = Stopwatch.StartNew();
            probe ??= new LinearProbe();
            int f = options.Architecture.Features;
            var probes = new List<ProbeResult>
            {
                probe.Fit("SimCLR encoder (trained)", trained.Encode(train.Images), train.Labels, trained.Encode(test.Images), test.Labels),
                probe.Fit("same encoder, random init", initial.Encode(train.Images), train.Labels, initial.Encode(test.Images), test.Labels),
                probe.Fit("raw pixels", train.Images, train.Labels, test.Images, test.Labels),
            };
            probeClock.Stop();

            onPhase?.Invoke("pictures");
            string subtitle = string.Create(CultureInfo.InvariantCulture,
                $"{training.EpochLosses.Count} epochs, batch {options.Batch}, tau {options.Tau}, lr {options.LearningRate}, {training.Backend}");
            string lossPng = Plots.LossCurve(Path.Combine(options.OutDir, LossFile), training, subtitle);
            var coords = Pca.Project2D(trained.Encode(test.Images));
            string embPng = Plots.Embedding(Path.Combine(options.OutDir, EmbeddingFile), coords, test.Labels,
                string.Create(CultureInfo.InvariantCulture, $"Held-out digits: PCA of the SimCLR features h ({f}-d)\nlinear probe accuracy {probes[0].TestAccuracy:P1}"));
            total.Stop();
            return new RunReport(options, training, probes, lossPng, embPng, trainImages, test.Count, probeClock.Elapsed, total.Elapsed);
        }
    }
}
