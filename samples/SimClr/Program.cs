using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using DiffGen.Cuda;
using Spectre.Console;

namespace DiffGen.Samples.SimClr
{
    /// <summary>
    /// The console front end: options (System.CommandLine), a live progress display and the final tables
    /// (Spectre.Console; plain lines when the output is redirected, as in CI). The work is <see cref="SimClrExperiment"/>.
    /// </summary>
    internal static class Program
    {
        internal static int Main(string[] args)
        {
            var d = new SimClrOptions();
            var epochs = new Option<int>("--epochs") { Description = "Passes over the training images.", DefaultValueFactory = _ => d.Epochs };
            var batch = new Option<int>("--batch") { Description = "Images per batch (NT-Xent sees two views of each: 2·batch rows).", DefaultValueFactory = _ => d.Batch };
            var tau = new Option<float>("--tau") { Description = "NT-Xent temperature.", DefaultValueFactory = _ => d.Tau };
            var lr = new Option<float>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => d.LearningRate };
            var backend = new Option<string>("--backend") { Description = "Where the training step runs: cpu, cuda (fails without a GPU) or auto (cuda when available).", DefaultValueFactory = _ => "auto" };
            backend.AcceptOnlyFromAmong("cpu", "cuda", "auto");
            var seed = new Option<int>("--seed") { Description = "Seeds the split, the initial weights, the shuffling and the augmentations.", DefaultValueFactory = _ => d.Seed };
            var output = new Option<string>("--out") { Description = "Folder for the PNG pictures.", DefaultValueFactory = _ => d.OutDir };
            foreach (var positive in new[] { epochs, batch })
            {
                var option = positive;
                option.Validators.Add(r =>
                {
                    if (r.GetValue(option) < 1) r.AddError($"{option.Name} must be at least 1.");
                });
            }
            foreach (var positive in new[] { tau, lr })
            {
                var option = positive;
                option.Validators.Add(r =>
                {
                    float v = r.GetValue(option);
                    if (!(v > 0) || !float.IsFinite(v)) r.AddError($"{option.Name} must be a positive number.");
                });
            }

            var root = new RootCommand(
                "SimCLR (arXiv 2002.05709) on the UCI handwritten digits, in plain C#: encoder, projection head, NT-Xent and " +
                "linear probe are [Differentiable] loops whose gradients DiffGen generates at build time.")
            {
                epochs, batch, tau, lr, backend, seed, output,
            };
            root.SetAction(parse => Run(d with
            {
                Epochs = parse.GetValue(epochs),
                Batch = parse.GetValue(batch),
                Tau = parse.GetValue(tau),
                LearningRate = parse.GetValue(lr),
                Backend = Enum.Parse<BackendChoice>(parse.GetValue(backend)!, ignoreCase: true),
                Seed = parse.GetValue(seed),
                OutDir = parse.GetValue(output)!,
            }));
            return root.Parse(args).Invoke();
        }

        private static int Run(SimClrOptions options)
        {
            // The host-array entry points (probe, feature extraction) always run on the CPU; the CUDA training step uses
            // the DeviceArray entry points explicitly, which do not consult the selector.
            BackendSelector.Override = Backend.Cpu;
            bool interactive = AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;

            bool cuda;
            try
            {
                cuda = SimClrTrainer.ResolveCuda(options.Backend);
            }
            catch (CudaUnavailableException e)
            {
                AnsiConsole.MarkupLine("[red]error:[/] " + Markup.Escape(e.Message.Split('\n')[0]));
                AnsiConsole.WriteLine("Why CUDA is unavailable:");
                AnsiConsole.WriteLine(e.Reason);
                return 2;
            }

            AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"SimCLR on UCI digits: epochs {options.Epochs}, batch {options.Batch}, tau {options.Tau}, lr {options.LearningRate}, seed {options.Seed}")));
            string chosen = options.Backend.ToString().ToLowerInvariant();
            if (!cuda)
                AnsiConsole.MarkupLine(options.Backend == BackendChoice.Auto
                    ? "backend: auto -> cpu [grey](CUDA is not available here)[/]"
                    : "backend: cpu");
            else
                AnsiConsole.MarkupLine($"backend: {chosen} -> cuda [grey](Encoder, Head, Split, NtXent and the Adam steps all have generated device code, so no method falls back to the CPU: weights, moments, activations and gradients stay on the GPU, only the loss is copied back per step)[/]");

            RunReport report;
            try
            {
                report = interactive ? RunWithProgress(options) : RunPlain(options);
            }
            catch (CudaUnavailableException e)
            {
                AnsiConsole.MarkupLine("[red]error:[/] " + Markup.Escape(e.Message));
                return 2;
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or ArgumentException)
            {
                AnsiConsole.MarkupLine("[red]error:[/] " + Markup.Escape(e.Message));
                return 1;
            }

            PrintReport(report);
            return 0;
        }

        private static RunReport RunWithProgress(SimClrOptions options)
        {
            RunReport? report = null;
            AnsiConsole.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    ProgressTask? train = null;
                    ProgressTask? after = null;
                    string backend = "";
                    report = SimClrExperiment.Run(options,
                        onStep: s =>
                        {
                            train ??= ctx.AddTask("training", maxValue: Math.Max(1, s.StepsPerEpoch * s.Epochs));
                            train.Value = s.TotalSteps;
                            train.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                                $"{backend}  epoch {s.Epoch}/{s.Epochs}  step {s.Step}/{s.StepsPerEpoch}  loss {s.Loss:F4} (epoch mean {s.EpochMeanLoss:F4})  {s.ImagesPerSecond:F0} img/s"));
                        },
                        onPhase: phase =>
                        {
                            if (phase.StartsWith("training on ", StringComparison.Ordinal))
                            {
                                backend = phase["training on ".Length..];
                                return;
                            }
                            if (train is not null) train.Value = train.MaxValue;
                            after ??= ctx.AddTask("evaluation", maxValue: 2);
                            after.Description = Markup.Escape(phase);
                            after.Increment(1);
                        });
                    if (after is not null)
                    {
                        after.Description = "probes and pictures done";
                        after.Value = after.MaxValue;
                    }
                });
            return report!;
        }

        private static RunReport RunPlain(SimClrOptions options)
        {
            int lastEpoch = 0;
            StepReport last = default;
            string backend = "";
            return SimClrExperiment.Run(options,
                onStep: s =>
                {
                    if (s.Epoch != lastEpoch && lastEpoch != 0) PrintEpoch(last);
                    lastEpoch = s.Epoch;
                    last = s;
                },
                onPhase: phase =>
                {
                    if (!phase.StartsWith("training", StringComparison.Ordinal) && lastEpoch != 0)
                    {
                        PrintEpoch(last);
                        lastEpoch = 0;
                    }
                    if (phase.StartsWith("training on ", StringComparison.Ordinal)) backend = phase["training on ".Length..];
                    Console.WriteLine(phase + " ...");
                });

            void PrintEpoch(StepReport s) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{backend}  epoch {s.Epoch,3}/{s.Epochs}  step {s.TotalSteps,5}  loss {s.EpochMeanLoss:F4} (epoch mean)  {s.ImagesPerSecond,6:F0} img/s"));
        }

        private static void PrintReport(RunReport r)
        {
            var t = r.Training;
            var inv = CultureInfo.InvariantCulture;
            var run = new Table().Border(TableBorder.Rounded).Title("[bold]SimCLR run[/]");
            run.AddColumn("what");
            run.AddColumn("value");
            run.AddRow("backend", Markup.Escape(t.Backend));
            run.AddRow("images", string.Create(inv, $"{r.TrainImages} train (labels unused), {r.TestImages} held out"));
            run.AddRow("steps", string.Create(inv, $"{t.StepLosses.Count} ({t.EpochLosses.Count} epochs x {t.StepsPerEpoch}, batch {r.Options.Batch})"));
            if (t.EpochLosses.Count > 0)
                run.AddRow("loss (epoch mean)", string.Create(inv, $"{t.EpochLosses[0]:F4} -> {t.EpochLosses[^1]:F4}"));
            run.AddRow("training time", string.Create(inv, $"{t.Elapsed.TotalSeconds:F1} s, {t.ImagesPerSecond:F0} img/s"));
            run.AddRow("data, probes, pictures", string.Create(inv, $"{(r.Total - t.Elapsed).TotalSeconds:F1} s"));
            run.AddRow("pictures", Markup.Escape(Path.GetRelativePath(Environment.CurrentDirectory, r.LossPng) + ", " + Path.GetRelativePath(Environment.CurrentDirectory, r.EmbeddingPng)));
            AnsiConsole.Write(run);

            var probes = new Table().Border(TableBorder.Rounded).Title("[bold]Linear probe on frozen features[/]");
            probes.AddColumn("features");
            probes.AddColumn(new TableColumn("dim").RightAligned());
            probes.AddColumn(new TableColumn("train acc").RightAligned());
            probes.AddColumn(new TableColumn("held-out acc").RightAligned());
            foreach (var p in r.Probes)
                probes.AddRow(Markup.Escape(p.Name), p.Dimensions.ToString(inv), p.TrainAccuracy.ToString("P1", inv), p.TestAccuracy.ToString("P1", inv));
            AnsiConsole.Write(probes);
        }
    }
}
