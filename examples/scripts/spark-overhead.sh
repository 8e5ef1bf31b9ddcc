#!/usr/bin/env bash
# The same GRPO run in process and on Spark local mode (docs/distributed.md, "Measured"): wall time, peak RSS, the
# phases of an iteration, and whether every non-timing metric is identical. runs/spark/<mode>/ holds each run.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=${START:-runs/spark/sft/final.ckpt}
[[ -f $start ]] || ./rl-llm sft --steps 200 --out runs/spark/sft --overwrite
# 32 prompts x 8 = 256 rollouts an iteration: 4 sampling tasks of 64; mini-batches of 64 in micro-batches of 16: 4 passes a step
common=(--init "$start" --iterations 5 --prompts 32 --group-size 8 --mini-batch 64 --micro-batch 16 --eval-every 0 --eval-problems 100 --seed 1)
run() { # name, extra options...
  local name=$1; shift
  /usr/bin/time -v ./rl-llm train "${common[@]}" "$@" --out "runs/spark/$name" --overwrite > "runs/spark/$name.log" 2> "runs/spark/$name.time"
  printf '%-22s wall %s  peak RSS %s kB\n' "$name" "$(grep Elapsed "runs/spark/$name.time" | awk '{print $NF}')" \
    "$(grep Maximum "runs/spark/$name.time" | awk '{print $NF}')"
}
mkdir -p runs/spark
run in-process
run local1 --spark 'local[1]'
run local2 --spark 'local[2]'
run local2-driver-updates --spark 'local[2]' --spark-updates driver
for m in local1 local2 local2-driver-updates; do
  if diff <(grep -v -e time_ -e per_second -e spark_ runs/spark/in-process/metrics.csv) \
          <(grep -v -e time_ -e per_second -e spark_ "runs/spark/$m/metrics.csv") > /dev/null; then
    echo "$m: every non-timing metric equals the in-process run's"
  else
    echo "$m: METRICS DIFFER"
  fi
done
# mean seconds per iteration of each phase
for m in in-process local1 local2 local2-driver-updates; do
  awk -F, -v m="$m" '$2=="grpo" && $3 ~ /^time_/ {s[$3]+=$4; n[$3]++} END {printf "%-22s", m; for (k in s) printf " %s=%.2f", k, s[k]/n[k]; print ""}' \
    "runs/spark/$m/metrics.csv"
done
