#!/usr/bin/env bash
# PPO with its critic on the policy's trunk against PPO with a separate critic, from the same under-trained SFT start,
# three seeds each (docs/rl.md, "Measured"). runs/critic/<shared|separate>-s<seed>/ holds each run.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=${START:-runs/sft600/checkpoints/sft-step-000400.ckpt}
[[ -f $start ]] || ./rl-llm sft --steps 600 --out runs/sft600
common=(--algo ppo --init "$start" --lr 1e-4 --prompts 32 --critic-warmup 3 --iterations 20 --eval-every 10 --eval-problems 300)
mkdir -p runs/critic
for seed in 1 2 3; do
  for critic in shared separate; do
    out=runs/critic/$critic-s$seed
    [[ -f $out/final.ckpt ]] && continue
    /usr/bin/time -v ./rl-llm train "${common[@]}" --critic "$critic" --seed "$seed" --out "$out" --overwrite > "$out.log" 2> "$out.time" || true
  done
done
