#!/usr/bin/env python3
"""Lean PyTorch NT-Xent forward + backward (float32) on the GPU, at the sizes of `DiffGen.GpuCheck bench`.

z = F.normalize(cat(zi, zj)); logits = z @ z.T / tau with the diagonal at -inf; cross-entropy against the positive
(i + B) mod N; backward. One JSON line per size: {"batch", "dim", "torch_ms"} (median ms), or "torch_ms": "OOM".
Exits 0 with a message when torch or CUDA is missing. TF32 is off, as in the DiffGen run.
"""
import argparse
import json
import sys
import time


def ints(s):
    return [int(x) for x in s.split(",") if x]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=ints, default=[1024, 8192, 65536])
    p.add_argument("--dim", type=ints, default=[128, 512])
    p.add_argument("--seconds", type=float, default=3.0)
    p.add_argument("--min-reps", type=int, default=3)
    p.add_argument("--max-reps", type=int, default=20)
    p.add_argument("--tau", type=float, default=0.1)
    p.add_argument("--tf32", type=int, default=1, help="also time eager with TF32 matmuls (torch_tf32_ms); 0: skip")
    p.add_argument("--compile", type=int, default=0, help="also time torch.compile (torch_compile_ms; compiles per shape, slow); 1: on")
    a, _ = p.parse_known_args()  # ignore the C# bench's own options (--budget)

    try:
        import torch
        import torch.nn.functional as F
    except Exception as e:  # noqa: BLE001
        print(f"torch_ntxent: torch is not available ({e}); skipped")
        return 0
    if not torch.cuda.is_available():
        print("torch_ntxent: torch.cuda is not available; skipped")
        return 0
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    oom = getattr(torch.cuda, "OutOfMemoryError", RuntimeError)
    dev = torch.device("cuda")
    print(f"torch_ntxent: torch {torch.__version__}, CUDA {torch.version.cuda}, {torch.cuda.get_device_name(0)}", flush=True)

    def ntxent(zi, zj, tau):
        b = zi.shape[0]
        n = 2 * b
        z = F.normalize(torch.cat([zi, zj], 0), dim=1)
        logits = z @ z.T / tau
        logits.fill_diagonal_(float("-inf"))
        labels = (torch.arange(n, device=z.device) + b) % n
        return F.cross_entropy(logits, labels)

    compiled = torch.compile(ntxent) if a.compile else None

    def timed(fn, zi, zj):
        """Median ms of forward + backward with fn, after one warm-up; the last loss."""
        def step():
            zi.grad = None
            zj.grad = None
            loss = fn(zi, zj, a.tau)
            loss.backward()
            return loss

        torch.cuda.synchronize()
        loss = step()  # warm-up (and compile)
        torch.cuda.synchronize()
        times = []
        start = time.perf_counter()
        while len(times) < a.max_reps and (len(times) < a.min_reps or time.perf_counter() - start < a.seconds):
            t0 = time.perf_counter()
            loss = step()
            torch.cuda.synchronize()
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        m = len(times)
        return round(times[m // 2] if m % 2 else (times[m // 2 - 1] + times[m // 2]) / 2, 4), m, float(loss)

    def failed(e):
        return "OOM" if "out of memory" in str(e) or isinstance(e, oom) and oom is not RuntimeError else f"error: {str(e).splitlines()[0]}"

    for b in a.batch:
        for d in a.dim:
            out = {"batch": b, "dim": d}
            zi = zj = None
            try:
                g = torch.Generator(device=dev).manual_seed(b * 31 + d)
                zi = torch.randn(b, d, device=dev, generator=g, requires_grad=True)
                zj = torch.randn(b, d, device=dev, generator=g, requires_grad=True)
                torch.cuda.reset_peak_memory_stats()
                try:
                    out["torch_ms"], out["reps"], out["loss"] = timed(ntxent, zi, zj)
                    out["torch_peak_mb"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
                except RuntimeError as e:
                    out["torch_ms"] = failed(e)
                torch.cuda.empty_cache()
                if a.tf32:
                    torch.backends.cuda.matmul.allow_tf32 = True
                    try:
                        out["torch_tf32_ms"] = timed(ntxent, zi, zj)[0]
                    except RuntimeError as e:
                        out["torch_tf32_ms"] = failed(e)
                    finally:
                        torch.backends.cuda.matmul.allow_tf32 = False
                        torch.cuda.empty_cache()
                if compiled is not None:
                    try:
                        out["torch_compile_ms"] = timed(compiled, zi, zj)[0]
                    except Exception as e:  # noqa: BLE001 (inductor raises its own types; OOM included)
                        out["torch_compile_ms"] = failed(e)
            except RuntimeError as e:
                out["torch_ms"] = failed(e)
            finally:
                zi = zj = None
                torch.cuda.empty_cache()
            print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
