#!/usr/bin/env bash
# A device call sends the working tree (tracked files, and untracked files git does not ignore) with what it carries,
# 64 MiB in all. The generator snapshots (tests/DiffGen.Generator.Tests/Snapshots: 49 MiB of the 57 MiB tracked in
# December 2026) are not needed on the device, and with them tests/gpu/out.tgz (11 MiB) no longer fits.
#
#   bash tests/gpu/travel.sh slim      # before the device calls: the snapshots leave the index and are ignored (the files
#                                      # stay on disk, untouched), so they do not travel
#   bash tests/gpu/travel.sh restore   # after: the index holds them again as HEAD has them; the ignore line goes
#   bash tests/gpu/travel.sh status
#
# Do not commit between the two: the index then says the snapshots are deleted, and a commit would delete them from the
# repository (CI would fail on every snapshot). `slim` refuses to start when the snapshots have changes of their own.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=tests/DiffGen.Generator.Tests/Snapshots
exclude="$(git rev-parse --git-path info/exclude)"
line="/$dir/ # tests/gpu/travel.sh slim: the snapshots do not travel to the device (restore with: bash tests/gpu/travel.sh restore)"
case "${1:-status}" in
  slim)
    if grep -qxF "$line" "$exclude" 2>/dev/null; then echo "travel: already slim"; exit 0; fi
    if ! git diff --quiet -- "$dir" || ! git diff --cached --quiet -- "$dir" || [ -n "$(git ls-files --others --exclude-standard -- "$dir")" ]; then
      echo "travel: $dir has changes (modified, staged or new files): commit or discard them first" >&2
      exit 1
    fi
    git rm -r -q --cached -- "$dir"
    mkdir -p "$(dirname "$exclude")"
    echo "$line" >> "$exclude"
    echo "travel: slim ($(git ls-files | wc -l) tracked files travel; restore with: bash tests/gpu/travel.sh restore)"
    ;;
  restore)
    git reset -q -- "$dir"
    if [ -f "$exclude" ]; then grep -vxF "$line" "$exclude" > "$exclude.tmp" || true; mv "$exclude.tmp" "$exclude"; fi
    n=$(git ls-files -- "$dir" | wc -l)
    echo "travel: restored ($n snapshot files tracked)"
    ;;
  status)
    if grep -qxF "$line" "$exclude" 2>/dev/null; then echo "travel: slim"; else echo "travel: whole (snapshots tracked)"; fi
    ;;
  *) echo "usage: bash tests/gpu/travel.sh slim|restore|status" >&2; exit 2 ;;
esac
