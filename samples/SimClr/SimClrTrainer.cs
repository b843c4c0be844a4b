using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using DiffGen.Cuda.Execution;

namespace DiffGen.Samples.SimClr
{
    /// <summary>Where the training step runs.</summary>
    public enum BackendChoice
    {
        /// <summary>CUDA when available, else the CPU.</summary>
        Auto,

        /// <summary>The CPU.</summary>
        Cpu,

        /// <summary>CUDA; an error where there is none.</summary>
        Cuda,
    }

    /// <summary>Everything a run is configured by (the command line's options and the fixed choices behind them).</summary>
    public sealed record SimClrOptions
    {
        /// <summary>Passes over the training split.</summary>
        public int Epochs { get; init; } = 40;

        /// <summary>Images per batch (each gives two views, so NT-Xent sees 2·Batch rows).</summary>
        public int Batch { get; init; } = 128;

        /// <summary>NT-Xent temperature τ.</summary>
        public float Tau { get; init; } = 0.2f;

        /// <summary>Adam's learning rate.</summary>
        public float LearningRate { get; init; } = 2e-3f;

        /// <summary>Cosine decay of the learning rate from <see cref="LearningRate"/> to 0 over the run (as in SimCLR); false: constant.</summary>
        public bool CosineSchedule { get; init; }

        /// <summary>Decoupled weight decay on the weight matrices.</summary>
        public float WeightDecay { get; init; } = 1e-4f;

        /// <summary>cpu, cuda or auto.</summary>
        public BackendChoice Backend { get; init; } = BackendChoice.Auto;

        /// <summary>Seeds the split, the initial weights, the shuffling and the augmentations.</summary>
        public int Seed { get; init; } = 1;

        /// <summary>Folder for the PNG pictures (default artifacts/simclr under the current directory, which git ignores).</summary>
        public string OutDir { get; init; } = Path.Combine("artifacts", "simclr");

        /// <summary>The network's sizes.</summary>
        public Architecture Architecture { get; init; } = Architecture.Default;

        /// <summary>Fraction of each digit held out for the linear probe's evaluation.</summary>
        public double TestFraction { get; init; } = 0.25;

        /// <summary>Use only the first N training images (0: all); for quick checks.</summary>
        public int TrainLimit { get; init; }

        /// <summary>Stop after this many steps in total (0: no limit); for quick checks.</summary>
        public int MaxSteps { get; init; }

        /// <summary>The augmentation.</summary>
        public Augmenter Augmenter { get; init; } = new();
    }

    /// <summary>Progress of one step, for the console: the step's loss and the mean over the epoch so far; images/s counts source images (two views each).</summary>
    public readonly record struct StepReport(int Epoch, int Epochs, int Step, int StepsPerEpoch, int TotalSteps, float Loss, float EpochMeanLoss, double ImagesPerSecond);

    /// <summary>The outcome of <see cref="SimClrTrainer.Train"/>.</summary>
    public sealed record TrainResult(IReadOnlyList<float> StepLosses, IReadOnlyList<float> EpochLosses, int StepsPerEpoch, TimeSpan Elapsed, double ImagesPerSecond, string Backend);

    /// <summary>
    /// SimCLR, Algorithm 1 of arXiv 2002.05709: for each minibatch draw two augmentations per image, run the encoder
    /// f and the projection head g on all 2B views, take NT-Xent on the projections, update f and g. The step runs on
    /// the CPU or, through the generated device entry points, on CUDA (<see cref="IStepRunner"/>).
    /// </summary>
    public sealed class SimClrTrainer : IDisposable
    {
        private readonly SimClrOptions _options;
        private readonly Digits _train;
        private readonly IStepRunner _runner;
        private readonly Random _rng;

        /// <summary>
        /// Prepares a run on <paramref name="train"/> (labels unused). <paramref name="device"/> is the GPU for the CUDA
        /// backend (default <see cref="CudaKernelDevice.Default"/>; tests pass an emulation).
        /// </summary>
        /// <exception cref="Cuda.CudaUnavailableException">Backend cuda on a machine without a usable GPU (and no device given).</exception>
        public SimClrTrainer(SimClrOptions options, Digits train, IKernelDevice? device = null)
        {
            ArgumentNullException.ThrowIfNull(options);
            ArgumentNullException.ThrowIfNull(train);
            if (options.Batch < 2) throw new ArgumentOutOfRangeException(nameof(options), "the batch needs at least 2 images (NT-Xent contrasts them).");
            _options = options;
            _train = train.Take(options.TrainLimit);
            if (_train.Count < options.Batch) throw new ArgumentOutOfRangeException(nameof(options), $"the batch ({options.Batch}) is larger than the training set ({_train.Count}).");
            _rng = new Random(options.Seed);
            Initial = Parameters.Initialize(options.Architecture, _rng);
            Current = Initial.Clone();
            var adam = new AdamSettings(options.LearningRate, options.WeightDecay);
            bool cuda = ResolveCuda(options.Backend, device is not null);
            _runner = cuda
                ? new CudaStepRunner(device ?? CudaKernelDevice.Default, Initial, options.Batch, options.Tau, adam)
                : new CpuStepRunner(Initial, options.Batch, options.Tau, adam);
        }

        /// <summary>The weights at random initialisation (the baseline encoder).</summary>
        public Parameters Initial { get; }

        /// <summary>The weights after the last <see cref="Train"/> (copied back from the device on CUDA).</summary>
        public Parameters Current { get; }

        /// <summary>Where the step runs.</summary>
        public string Backend => _runner.Name;

        /// <summary>The training images in use.</summary>
        public Digits TrainSet => _train;

        /// <summary>
        /// cpu → CPU; cuda → CUDA or <see cref="Cuda.CudaUnavailableException"/>; auto → CUDA when available.
        /// A given device counts as available.
        /// </summary>
        public static bool ResolveCuda(BackendChoice choice, bool deviceGiven = false)
        {
            switch (choice)
            {
                case BackendChoice.Cpu:
                    return false;
                case BackendChoice.Cuda:
                    if (!deviceGiven && !global::DiffGen.Cuda.CudaEnvironment.IsAvailable)
                        throw new global::DiffGen.Cuda.CudaUnavailableException("--backend cuda was requested, but CUDA is not available on this machine; use --backend cpu or auto.", global::DiffGen.Cuda.CudaEnvironment.UnavailableReason);
                    return true;
                default:
                    return deviceGiven || global::DiffGen.Cuda.CudaEnvironment.IsAvailable;
            }
        }

        /// <summary>Runs the configured epochs; <paramref name="onStep"/> is called after every step.</summary>
        public TrainResult Train(Action<StepReport>? onStep = null)
        {
            int b = _options.Batch;
            int stepsPerEpoch = _train.Count / b; // the last incomplete batch is dropped
            int totalSteps = _options.Epochs * stepsPerEpoch;
            if (_options.MaxSteps > 0) totalSteps = Math.Min(totalSteps, _options.MaxSteps);
            var views = new float[2 * b, Digits.Pixels];
            var order = new int[_train.Count];
            for (int i = 0; i < order.Length; i++) order[i] = i;
            var image = new float[Digits.Pixels];
            var view = new float[Digits.Pixels];
            var stepLosses = new List<float>();
            var epochLosses = new List<float>();
            var clock = Stopwatch.StartNew();
            int t = 0;
            for (int epoch = 1; epoch <= _options.Epochs && t < totalSteps; epoch++)
            {
                Digits.Shuffle(order, _rng);
                double epochSum = 0;
                int epochSteps = 0;
                for (int s = 0; s < stepsPerEpoch && t < totalSteps; s++)
                {
                    // Two augmented views of each image of the minibatch: rows k and k + B.
                    for (int k = 0; k < b; k++)
                    {
                        int idx = order[s * b + k];
                        for (int p = 0; p < Digits.Pixels; p++) image[p] = _train.Images[idx, p];
                        _options.Augmenter.View(image, view, _rng);
                        for (int p = 0; p < Digits.Pixels; p++) views[k, p] = view[p];
                        _options.Augmenter.View(image, view, _rng);
                        for (int p = 0; p < Digits.Pixels; p++) views[k + b, p] = view[p];
                    }
                    t++;
                    float lr = _options.CosineSchedule
                        ? _options.LearningRate * 0.5f * (1f + MathF.Cos(MathF.PI * (t - 1) / totalSteps))
                        : _options.LearningRate;
                    float loss = _runner.Step(views, t, lr);
                    if (!float.IsFinite(loss)) throw new InvalidOperationException($"the loss is {loss} at step {t}; lower --lr or raise --tau.");
                    stepLosses.Add(loss);
                    epochSum += loss;
                    epochSteps++;
                    onStep?.Invoke(new StepReport(epoch, _options.Epochs, s + 1, stepsPerEpoch, t, loss, (float)(epochSum / epochSteps), (double)t * b / clock.Elapsed.TotalSeconds));
                }
                epochLosses.Add((float)(epochSum / epochSteps));
            }
            clock.Stop();
            _runner.CopyWeightsTo(Current);
            return new TrainResult(stepLosses, epochLosses, stepsPerEpoch, clock.Elapsed, t * (double)b / Math.Max(1e-9, clock.Elapsed.TotalSeconds), _runner.Name);
        }

        /// <inheritdoc/>
        public void Dispose() => _runner.Dispose();
    }
}
