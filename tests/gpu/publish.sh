#!/usr/bin/env bash
# Builds the GPU check here (needs the .NET 10 SDK, no GPU) into tests/gpu/out: a self-contained linux-x64 folder
# that runs on the GPU machine without .NET, and tests/gpu/out.tgz, the same folder compressed (carry that one). Run from anywhere; prints the folder's size (the device carry limit is
# 64 MiB in all). The build goes to tests/gpu/artifacts, so it does not touch the other projects' bin/obj.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
rm -rf tests/gpu/out
dotnet publish tests/gpu/DiffGen.GpuCheck/DiffGen.GpuCheck.csproj -c Release -r linux-x64 --self-contained true \
  --artifacts-path tests/gpu/artifacts -o tests/gpu/out \
  -p:DebugType=none -p:GenerateDocumentationFile=false "$@"
# The runtime's debugger, crash-dump, tracing and standalone-GC libraries: the check never loads them (7.5 MB).
rm -f tests/gpu/out/libmscordaccore.so tests/gpu/out/libmscordbi.so tests/gpu/out/createdump \
  tests/gpu/out/libcoreclrtraceptprovider.so tests/gpu/out/libclrgc.so tests/gpu/out/libclrgcexp.so
bytes=$(du -sb tests/gpu/out | cut -f1)
echo "tests/gpu/out: $(find tests/gpu/out -type f | wc -l) files, $bytes bytes ($((bytes / 1048576)) MiB)"
# What travels to the device is the working tree (tracked files, 45 MB in December 2026, most of it generator
# snapshots) plus what is carried, 64 MiB in all: carry the compressed folder (about 10 MB); run.sh unpacks it.
tar czf tests/gpu/out.tgz -C tests/gpu out
packed=$(stat -c %s tests/gpu/out.tgz)
tree=$(git ls-files -z | xargs -0 stat -c %s 2>/dev/null | awk '{s += $1} END {print s + 0}')
echo "tests/gpu/out.tgz: $packed bytes ($((packed / 1048576)) MiB); tracked files: $((tree / 1048576)) MiB; together $(((packed + tree) / 1048576)) MiB of the 64 MiB a device call carries"
if [ $((packed + tree)) -ge $((64 * 1048576)) ]; then
  echo "publish: the tracked files and tests/gpu/out.tgz are 64 MiB or more: too big to carry; run bash tests/gpu/travel.sh slim (the generator snapshots stay behind), then this again" >&2
  exit 1
fi
