#!/usr/bin/env bash
# DAPO, GSPO and CISPO against GRPO from the same under-trained SFT start, three seeds each (docs/rl.md, "Measured").
# Each run is alone on the machine; runs/peers/<algo>-s<seed>/ holds its metrics.csv, health.json and plot.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=runs/sft600/checkpoints/sft-step-000400.ckpt
[[ -f $start ]] || ./rl-llm sft --steps 600 --out runs/sft600
common=(--init "$start" --lr 2e-4 --iterations 30 --eval-every 10 --eval-problems 300)
for seed in 1 2 3; do
  for algo in grpo dapo gspo cispo; do
    out=runs/peers/$algo-s$seed
    [[ -f $out/final.ckpt ]] && continue
    /usr/bin/time -v ./rl-llm train --algo "$algo" --seed "$seed" "${common[@]}" --out "$out" --overwrite > "$out.log" 2> "$out.time" || true
  done
done
