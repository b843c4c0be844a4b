using System;
using DiffGen.Cuda.Execution;

namespace DiffGen.Samples.SimClr
{
    /// <summary>Adam's hyper-parameters (Kingma and Ba) with decoupled weight decay on the weight matrices.</summary>
    public sealed record AdamSettings(float LearningRate, float WeightDecay, float Beta1 = 0.9f, float Beta2 = 0.999f, float Epsilon = 1e-8f)
    {
        /// <summary>The bias corrections 1 - β1^t and 1 - β2^t of step t (t ≥ 1).</summary>
        public (float C1, float C2) Corrections(int t) => (1f - MathF.Pow(Beta1, t), 1f - MathF.Pow(Beta2, t));
    }

    /// <summary>
    /// One SimCLR training step (Algorithm 1's inner loop body) on one backend: the batch of 2B augmented views in,
    /// the forward pass, the gradient chain through the generated Backward methods, one Adam update; the loss out.
    /// </summary>
    public interface IStepRunner : IDisposable
    {
        /// <summary>Where the step runs, for the console ("cpu", or "cuda (device name)").</summary>
        string Name { get; }

        /// <summary>
        /// Runs step <paramref name="t"/> (1-based, for Adam's bias correction) on <paramref name="views"/>: 2B × 64, rows
        /// 0..B-1 the first views of the batch's images, rows B..2B-1 their second views, with Adam's learning rate
        /// <paramref name="learningRate"/> for this step (the schedule is the caller's). Returns the NT-Xent loss.
        /// </summary>
        float Step(float[,] views, int t, float learningRate);

        /// <summary>Writes the current weights into <paramref name="into"/> (a device download on CUDA).</summary>
        void CopyWeightsTo(Parameters into);
    }

    /// <summary>
    /// The step on the CPU, with host arrays: every gradient comes from a generated Backward method, chained by hand
    /// from the loss back to the first layer; Adam is <see cref="Model.AdamMatrix"/> / <see cref="Model.AdamVector"/>
    /// called as the plain C# they are.
    /// </summary>
    public sealed class CpuStepRunner : IStepRunner
    {
        private readonly Parameters _p, _g, _m, _v;
        private readonly float _tau;
        private readonly AdamSettings _adam;
        private readonly float[,] _h, _z, _zi, _zj, _ziGrad, _zjGrad, _zGrad, _hGrad;

        /// <summary>Starts from a copy of <paramref name="initial"/>; batches of <paramref name="batch"/> images (2·batch views).</summary>
        public CpuStepRunner(Parameters initial, int batch, float tau, AdamSettings adam)
        {
            ArgumentNullException.ThrowIfNull(initial);
            var a = initial.Architecture;
            _p = initial.Clone();
            _g = new Parameters(a);
            _m = new Parameters(a);
            _v = new Parameters(a);
            _tau = tau;
            _adam = adam;
            int n = 2 * batch;
            _h = new float[n, a.Features];
            _hGrad = new float[n, a.Features];
            _z = new float[n, a.Projection];
            _zGrad = new float[n, a.Projection];
            _zi = new float[batch, a.Projection];
            _zj = new float[batch, a.Projection];
            _ziGrad = new float[batch, a.Projection];
            _zjGrad = new float[batch, a.Projection];
        }

        /// <inheritdoc/>
        public string Name => "cpu";

        /// <inheritdoc/>
        public float Step(float[,] views, int t, float learningRate)
        {
            Parameters p = _p, g = _g;
            // Forward: h = f(x), z = g(h), (zi, zj) = split(z).
            Model.EncoderForward(views, p.W1, p.B1, p.W2, p.B2, _h);
            Model.HeadForward(_h, p.W3, p.B3, p.W4, p.B4, _z);
            Model.SplitForward(_z, _zi, _zj);
            // Backward, every step a generated method: dL/dzi, dL/dzj → dL/dz → dL/dh and the head's weights → the encoder's weights.
            float loss = Model.NtXentBackward(_zi, _zj, _tau, _ziGrad, _zjGrad);
            Model.SplitBackward(_z, _zi, _zj, _zGrad, _ziGrad, _zjGrad);
            Model.HeadBackward(_h, p.W3, p.B3, p.W4, p.B4, _z, _hGrad, g.W3, g.B3, g.W4, g.B4, _zGrad);
            Model.EncoderBackward(views, p.W1, p.B1, p.W2, p.B2, _h, g.W1, g.B1, g.W2, g.B2, _hGrad);
            // Adam, as ordinary C#.
            var (c1, c2) = _adam.Corrections(t);
            for (int i = 0; i < 4; i++)
            {
                Model.AdamMatrix(p.Matrices[i], g.Matrices[i], _m.Matrices[i], _v.Matrices[i], learningRate, _adam.Beta1, _adam.Beta2, _adam.Epsilon, _adam.WeightDecay, c1, c2);
                Model.AdamVector(p.Vectors[i], g.Vectors[i], _m.Vectors[i], _v.Vectors[i], learningRate, _adam.Beta1, _adam.Beta2, _adam.Epsilon, c1, c2);
            }
            return loss;
        }

        /// <inheritdoc/>
        public void CopyWeightsTo(Parameters into) => into.CopyFrom(_p);

        /// <inheritdoc/>
        public void Dispose()
        {
        }
    }

    /// <summary>
    /// The step on a GPU through the generated <c>DeviceArray&lt;float&gt;</c> entry points: weights, Adam moments,
    /// activations and gradients stay in device memory for the whole run. Per step the batch of views is uploaded and
    /// only the loss (the return value of NtXentBackward) comes back. Adam runs as the device code DiffGen generated
    /// for <see cref="Model.AdamMatrix"/> / <see cref="Model.AdamVector"/> (their Forward). Every method of
    /// <see cref="Model"/> has device code (none calls another [Differentiable] method or uses jagged arrays), so
    /// nothing here falls back to the CPU.
    /// </summary>
    public sealed class CudaStepRunner : IStepRunner
    {
        private readonly IKernelDevice _device;
        private readonly DeviceParameters _p, _g, _m, _v;
        private readonly float _tau;
        private readonly AdamSettings _adam;
        private readonly DeviceArray<float> _x, _h, _z, _zi, _zj, _ziGrad, _zjGrad, _zGrad, _hGrad;

        /// <summary>Uploads <paramref name="initial"/> to <paramref name="device"/> and allocates every buffer there.</summary>
        public CudaStepRunner(IKernelDevice device, Parameters initial, int batch, float tau, AdamSettings adam)
        {
            ArgumentNullException.ThrowIfNull(device);
            ArgumentNullException.ThrowIfNull(initial);
            _device = device;
            var a = initial.Architecture;
            _tau = tau;
            _adam = adam;
            _p = DeviceParameters.Upload(device, initial);
            _g = DeviceParameters.Zeros(device, a);
            _m = DeviceParameters.Zeros(device, a);
            _v = DeviceParameters.Zeros(device, a);
            int n = 2 * batch;
            _x = DeviceArray<float>.Zeros(device, n, Digits.Pixels);
            _h = DeviceArray<float>.Zeros(device, n, a.Features);
            _hGrad = DeviceArray<float>.Zeros(device, n, a.Features);
            _z = DeviceArray<float>.Zeros(device, n, a.Projection);
            _zGrad = DeviceArray<float>.Zeros(device, n, a.Projection);
            _zi = DeviceArray<float>.Zeros(device, batch, a.Projection);
            _zj = DeviceArray<float>.Zeros(device, batch, a.Projection);
            _ziGrad = DeviceArray<float>.Zeros(device, batch, a.Projection);
            _zjGrad = DeviceArray<float>.Zeros(device, batch, a.Projection);
        }

        /// <inheritdoc/>
        public string Name => $"cuda ({_device.Name})";

        /// <inheritdoc/>
        public float Step(float[,] views, int t, float learningRate)
        {
            DeviceParameters p = _p, g = _g;
            _x.CopyFrom(views); // the only upload per step: the augmented batch
            Model.EncoderForward(_x, p.W1, p.B1, p.W2, p.B2, _h);
            Model.HeadForward(_h, p.W3, p.B3, p.W4, p.B4, _z);
            Model.SplitForward(_z, _zi, _zj);
            float loss = Model.NtXentBackward(_zi, _zj, _tau, _ziGrad, _zjGrad); // the only download per step: the loss
            Model.SplitBackward(_z, _zi, _zj, _zGrad, _ziGrad, _zjGrad);
            Model.HeadBackward(_h, p.W3, p.B3, p.W4, p.B4, _z, _hGrad, g.W3, g.B3, g.W4, g.B4, _zGrad);
            Model.EncoderBackward(_x, p.W1, p.B1, p.W2, p.B2, _h, g.W1, g.B1, g.W2, g.B2, _hGrad);
            var (c1, c2) = _adam.Corrections(t);
            for (int i = 0; i < 4; i++)
            {
                Model.AdamMatrixForward(p.Matrices[i], g.Matrices[i], _m.Matrices[i], _v.Matrices[i], learningRate, _adam.Beta1, _adam.Beta2, _adam.Epsilon, _adam.WeightDecay, c1, c2);
                Model.AdamVectorForward(p.Vectors[i], g.Vectors[i], _m.Vectors[i], _v.Vectors[i], learningRate, _adam.Beta1, _adam.Beta2, _adam.Epsilon, c1, c2);
            }
            return loss;
        }

        /// <inheritdoc/>
        public void CopyWeightsTo(Parameters into)
        {
            ArgumentNullException.ThrowIfNull(into);
            for (int i = 0; i < 4; i++)
            {
                _p.Matrices[i].CopyTo(into.Matrices[i]);
                _p.Vectors[i].CopyTo(into.Vectors[i]);
            }
        }

        /// <inheritdoc/>
        public void Dispose()
        {
            foreach (var set in new[] { _p, _g, _m, _v }) set.Dispose();
            foreach (var a in new[] { _x, _h, _z, _zi, _zj, _ziGrad, _zjGrad, _zGrad, _hGrad }) a.Dispose();
        }

        /// <summary><see cref="Parameters"/> in device memory.</summary>
        private sealed class DeviceParameters : IDisposable
        {
            private DeviceParameters(DeviceArray<float>[] matrices, DeviceArray<float>[] vectors)
            {
                Matrices = matrices;
                Vectors = vectors;
            }

            public DeviceArray<float>[] Matrices { get; }

            public DeviceArray<float>[] Vectors { get; }

            public DeviceArray<float> W1 => Matrices[0];
            public DeviceArray<float> W2 => Matrices[1];
            public DeviceArray<float> W3 => Matrices[2];
            public DeviceArray<float> W4 => Matrices[3];
            public DeviceArray<float> B1 => Vectors[0];
            public DeviceArray<float> B2 => Vectors[1];
            public DeviceArray<float> B3 => Vectors[2];
            public DeviceArray<float> B4 => Vectors[3];

            public static DeviceParameters Upload(IKernelDevice device, Parameters host)
            {
                var m = new DeviceArray<float>[4];
                var v = new DeviceArray<float>[4];
                for (int i = 0; i < 4; i++)
                {
                    m[i] = DeviceArray<float>.Upload(device, host.Matrices[i]);
                    v[i] = DeviceArray<float>.Upload(device, host.Vectors[i]);
                }
                return new DeviceParameters(m, v);
            }

            public static DeviceParameters Zeros(IKernelDevice device, Architecture a) => Upload(device, new Parameters(a));

            public void Dispose()
            {
                foreach (var a in Matrices) a.Dispose();
                foreach (var a in Vectors) a.Dispose();
            }
        }
    }
}
