#!/usr/bin/env bash
# Runs one fuzz target coverage-guided for a while (docs/fuzzing.md). CI does not run this: CI replays the
# committed inputs of every target in regression mode (`mvn verify`).
#
#   gateway/fuzz/fuzz.sh net.sovereignbridge.mesh.frame.FrameCodecFuzzTest frame 300 [jobs]
#
# Needs the classes built first: nice mvn -B -ntp -o -q -pl gateway/fuzz -am test-compile \
#   dependency:build-classpath -Dmdep.outputFile=target/fuzz-classpath.txt -Dmdep.includeScope=test
# The growing corpus goes to target/corpus/<class>/<method>; crashes to target/findings/. Copy a few small
# inputs worth keeping into src/test/resources/<package>/<Class>Inputs/<method>/ (the CI corpus).
set -euo pipefail
cd "$(dirname "$0")"
class=$1 method=$2 seconds=${3:-60}
cp_file=target/fuzz-classpath.txt
[ -s "$cp_file" ] || { echo "no $cp_file: build it first (see the comment at the top)" >&2; exit 2; }
simple=${class##*.}
seeds=src/test/resources/$(echo "${class%.*}" | tr . /)/${simple}Inputs/$method
corpus=target/corpus/$simple/$method
mkdir -p "$corpus" target/findings "$seeds"
exec nice -n 19 java -Xmx1g -Xss2m -Djdk.net.hosts.file=src/test/resources/fuzz-hosts -cp "target/test-classes:$(cat "$cp_file")" com.code_intelligence.jazzer.Jazzer \
  --target_class="$class" --target_method="$method" \
  --instrumentation_includes='net.sovereignbridge.**' \
  --reproducer_path=target/findings \
  -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
  -artifact_prefix=target/findings/"$simple.$method"- \
  "$corpus" "$seeds"
