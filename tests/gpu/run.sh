#!/usr/bin/env bash
# GPU check, run ONCE on the GPU machine from the repository root:   bash tests/gpu/run.sh
#
# Build first, here (needs the .NET 10 SDK, no GPU):                  bash tests/gpu/publish.sh
# which leaves a self-contained linux-x64 app in tests/gpu/out and the same compressed in tests/gpu/out.tgz (both
# gitignored: carry the archive to the device, e.g. the device tool's carry: ["tests/gpu/out.tgz"]; this script unpacks it). The GPU machine needs the NVIDIA driver, cuBLAS and NVRTC, not .NET; python3 with
# torch is optional (the PyTorch comparison is skipped without it).
#
# Runs: nvidia-smi -L; DiffGen.GpuCheck check (every corpus method with device code vs the CPU backend, at its default
# shapes and at square sizes 64, 300 and 1024; CHECK_ARGS="--sizes 64,300 --check-budget 100" changes that);
# DiffGen.GpuCheck bench (NT-Xent float32 vs its cuBLAS GEMMs; where the default (DiffGen.Cpu.Tiling, Auto) ran the
# materialised device program, the tile-fused one too: fused_ms, fused_device_mb; the fused tile kernels (DiffGen.Cpu.Tiling.DeviceFusedKernels, no cuBLAS panels) always: fusedk_ms, fusedk_device_mb, and with their tiles on TF32 tensor cores fusedk_tf32_ms; device_mb is the device memory the
# call took); tests/gpu/torch_ntxent.py (eager FP32 with its peak memory, eager TF32, and torch.compile with
# --compile 1); then a table per size. Large batches (tile fusion's range, no N x N table):
#   bash tests/gpu/run.sh --batch 8192,32768,65536,262144 --dim 128
# Everything is also written to ${OUT:-tests/gpu}/gpu-report.txt. Extra arguments go to both benchmarks, e.g.
#   bash tests/gpu/run.sh --batch 1024,8192 --dim 128
# Then DiffGen.GpuCheck attention (attention forward + backward, float32, seq 2048 and 16384, head 64: the materialised
# device program against device row-block fusion, time and device memory; ATTENTION_ARGS="--seq 4096 --head 128").
# Environment: CHECK_TIMEOUT / BENCH_TIMEOUT / ATTENTION_TIMEOUT / TORCH_TIMEOUT (seconds; default 240 / 270 / 120 / 120;
# about 13 min in all at most; the check keeps to its own budget, 150 s by default, by skipping sizes it predicts would
# not fit); CHECK_ARGS, ATTENTION_ARGS.
# Exit status: that of `check` (0 all passed, 1 a failure, 2 CUDA unavailable).
set -u
cd "$(dirname "$0")/../.."
report_dir="${OUT:-tests/gpu}"
mkdir -p "$report_dir"
report="$report_dir/gpu-report.txt"
app=tests/gpu/out/DiffGen.GpuCheck
tmp="$(mktemp -d)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The app travels compressed (tests/gpu/publish.sh): unpack it where only the archive came.
if [ ! -x "$app" ] && [ -f tests/gpu/out.tgz ]; then
  tar xzf tests/gpu/out.tgz -C tests/gpu
fi

main() {
  echo "== GPU check, $(date -u '+%Y-%m-%d %H:%M:%SZ'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi -L
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null
  else
    echo "nvidia-smi: not found"
  fi
  if [ ! -x "$app" ]; then
    echo "$app is missing: run tests/gpu/publish.sh where the .NET SDK is and carry tests/gpu/out"
    return 3
  fi

  echo; echo "== check"
  # shellcheck disable=SC2086 # CHECK_ARGS is a list of flags
  timeout "${CHECK_TIMEOUT:-240}" "$app" check ${CHECK_ARGS:-}
  check_rc=$?
  echo "check: exit $check_rc"

  echo; echo "== bench (DiffGen generated NtXentF on the GPU vs cuBLAS)"
  timeout "${BENCH_TIMEOUT:-270}" "$app" bench "$@" | tee "$tmp/bench.txt"
  echo "bench: exit ${PIPESTATUS[0]}"

  echo; echo "== attention (AttentionMseF: materialised vs device row-block fusion)"
  # shellcheck disable=SC2086 # ATTENTION_ARGS is a list of flags
  timeout "${ATTENTION_TIMEOUT:-120}" "$app" attention --seconds 1 --budget 90 ${ATTENTION_ARGS:-}
  echo "attention: exit $?"

  echo; echo "== torch"
  if command -v python3 >/dev/null 2>&1; then
    timeout "${TORCH_TIMEOUT:-120}" python3 tests/gpu/torch_ntxent.py "$@" | tee "$tmp/torch.txt"
    echo "torch: exit ${PIPESTATUS[0]}"
  else
    echo "python3: not found; torch comparison skipped"
    : > "$tmp/torch.txt"
  fi

  echo; echo "== summary (median ms per forward+backward, float32)"
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$tmp/bench.txt" "$tmp/torch.txt" <<'PY'
import json, sys
rows, order = {}, []
for path in sys.argv[1:]:
    for line in open(path):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            d = json.loads(line)
        except ValueError:
            continue
        key = (d.get("batch"), d.get("dim"))
        if key not in rows:
            rows[key] = {}
            order.append(key)
        rows[key].update(d)
def f(v):
    if v is None: return "-"
    if isinstance(v, float): return f"{v:.3f}"
    return str(v)
cols = ["batch", "dim", "forward_ms", "generated_ms", "tile_fused", "device_mb", "fused_ms", "fused_device_mb", "fusedk_ms", "fusedk_device_mb", "fusedk_tf32_ms", "gemm_ms", "ratio_to_gemm",
        "torch_ms", "gen/torch", "torch_peak_mb", "torch_tf32_ms", "torch_compile_ms", "error", "fused_error"]
print(" | ".join(cols))
for key in order:
    d = rows[key]
    g, t = d.get("generated_ms"), d.get("torch_ms")
    d["gen/torch"] = g / t if isinstance(g, (int, float)) and isinstance(t, (int, float)) and t > 0 else None
    print(" | ".join(f(d.get(c)) for c in cols))
PY
  else
    cat "$tmp/bench.txt" "$tmp/torch.txt" | grep '^{'
  fi
  return "$check_rc"
}

main "$@" 2>&1 | tee "$report"
rc=${PIPESTATUS[0]}
rm -rf "$tmp"
echo "report: $report (exit $rc)"
exit "$rc"
