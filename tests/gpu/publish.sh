#!/usr/bin/env bash
# Builds the GPU check here (needs the .NET 10 SDK, no GPU) into tests/gpu/out: a self-contained linux-x64 folder
# that runs on the GPU machine without .NET. Run from anywhere; prints the folder's size (the device carry limit is
# 64 MiB in all). The build goes to tests/gpu/artifacts, so it does not touch the other projects' bin/obj.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
rm -rf tests/gpu/out
dotnet publish tests/gpu/DiffGen.GpuCheck/DiffGen.GpuCheck.csproj -c Release -r linux-x64 --self-contained true \
  --artifacts-path tests/gpu/artifacts -o tests/gpu/out \
  -p:DebugType=none -p:GenerateDocumentationFile=false "$@"
bytes=$(du -sb tests/gpu/out | cut -f1)
echo "tests/gpu/out: $(find tests/gpu/out -type f | wc -l) files, $bytes bytes ($((bytes / 1048576)) MiB)"
if [ "$bytes" -ge $((60 * 1048576)) ]; then
  echo "publish: tests/gpu/out is 60 MiB or more: too big to carry" >&2
  exit 1
fi
