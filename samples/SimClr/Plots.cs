using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using ScottPlot;

namespace DiffGen.Samples.SimClr
{
    /// <summary>The two pictures of a run, as PNG files (ScottPlot, drawn with SkiaSharp).</summary>
    public static class Plots
    {
        /// <summary>The NT-Xent loss per step (thin) and its mean per epoch (thick), against epochs.</summary>
        public static string LossCurve(string path, TrainResult result, string subtitle)
        {
            ArgumentNullException.ThrowIfNull(result);
            var plot = new Plot();
            int n = result.StepLosses.Count;
            var xs = new double[n];
            var ys = new double[n];
            for (int i = 0; i < n; i++)
            {
                xs[i] = (i + 1) / (double)Math.Max(1, result.StepsPerEpoch);
                ys[i] = result.StepLosses[i];
            }
            var steps = plot.Add.Scatter(xs, ys);
            steps.LegendText = "per step";
            steps.MarkerSize = 0;
            steps.LineWidth = 1;
            steps.Color = Colors.SteelBlue.WithAlpha(0.5);

            int e = result.EpochLosses.Count;
            var ex = new double[e];
            var ey = new double[e];
            for (int i = 0; i < e; i++)
            {
                ex[i] = i + 1;
                ey[i] = result.EpochLosses[i];
            }
            var epochs = plot.Add.Scatter(ex, ey);
            epochs.LegendText = "epoch mean";
            epochs.LineWidth = 2.5f;
            epochs.MarkerSize = 5;
            epochs.Color = Colors.DarkOrange;

            plot.Title("SimCLR on UCI digits: NT-Xent training loss\n" + subtitle);
            plot.XLabel("epoch");
            plot.YLabel("NT-Xent loss");
            plot.ShowLegend(Alignment.UpperRight);
            return Save(plot, path, 800, 500);
        }

        /// <summary>A scatter of 2-D points coloured by digit, one legend entry per digit.</summary>
        public static string Embedding(string path, double[,] points, int[] labels, string title)
        {
            ArgumentNullException.ThrowIfNull(points);
            ArgumentNullException.ThrowIfNull(labels);
            var plot = new Plot();
            var palette = new ScottPlot.Palettes.Category10();
            for (int digit = 0; digit < Digits.Classes; digit++)
            {
                var xs = new List<double>();
                var ys = new List<double>();
                for (int i = 0; i < labels.Length; i++)
                {
                    if (labels[i] != digit) continue;
                    xs.Add(points[i, 0]);
                    ys.Add(points[i, 1]);
                }
                if (xs.Count == 0) continue;
                var s = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
                s.LineWidth = 0;
                s.MarkerSize = 6;
                s.Color = palette.GetColor(digit);
                s.LegendText = digit.ToString(CultureInfo.InvariantCulture);
            }
            plot.Title(title);
            plot.XLabel("principal component 1");
            plot.YLabel("principal component 2");
            plot.ShowLegend(Alignment.UpperRight);
            return Save(plot, path, 700, 600);
        }

        private static string Save(Plot plot, string path, int width, int height)
        {
            string full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            plot.SavePng(full, width, height);
            return full;
        }
    }
}
