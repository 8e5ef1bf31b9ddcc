#!/usr/bin/env bash
# DPO, ORPO and KTO from the same under-trained SFT start on the built-in synthetic pairs, three seeds each
# (data order; docs/rl.md, "Measured"). KTO takes each pair as a desirable and an undesirable example.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=${START:-runs/sft600/checkpoints/sft-step-000400.ckpt}
common=(--init "$start" --steps 150 --lr 5e-5 --eval-every 50 --eval-problems 300)
mkdir -p runs/preference
for seed in 1 2 3; do
  for loss in dpo orpo kto; do
    out=runs/preference/$loss-s$seed
    [[ -f $out/final.ckpt ]] && continue
    /usr/bin/time -v ./rl-llm dpo --loss "$loss" --seed "$seed" "${common[@]}" --out "$out" --overwrite > "$out.log" 2> "$out.time" || true
  done
done
