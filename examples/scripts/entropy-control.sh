#!/usr/bin/env bash
# GRPO with Clip-Cov and with KL-Cov against plain GRPO (runs/peers/grpo-s<seed>), three seeds each (docs/rl.md, "Measured").
# The share of tokens is raised from verl's 2e-4 to 0.02: an iteration here has about 2,500 response tokens, and 2e-4
# of a 32-sequence mini-batch is a single token.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=${START:-runs/sft600/checkpoints/sft-step-000400.ckpt}
common=(--algo grpo --init "$start" --lr 2e-4 --iterations 30 --eval-every 10 --eval-problems 300 --covariance-ratio 0.02)
mkdir -p runs/entropy
for seed in 1 2 3; do
  for mode in clip-cov kl-cov; do
    out=runs/entropy/$mode-s$seed
    [[ -f $out/final.ckpt ]] && continue
    /usr/bin/time -v ./rl-llm train "${common[@]}" --covariance "$mode" --seed "$seed" --out "$out" --overwrite > "$out.log" 2> "$out.time" || true
  done
done
