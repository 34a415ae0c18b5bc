#!/bin/sh
# Prints where the shared corpus of real ADR folders is (the tests read it in place, never copy
# it): ../shared/corpus beside this checkout, else beside the local repository this one was
# cloned from (a clone made in a temporary folder). Prints nothing when neither has it.
here=$(cd "$(dirname "$0")/.." && pwd)
origin=$(git -C "$here" remote get-url origin 2>/dev/null || true)
for base in "$here" "$origin"; do
    if [ -n "$base" ] && [ -f "$base/../shared/corpus/README.md" ]; then
        (cd "$base/../shared/corpus" && pwd)
        exit 0
    fi
done
