#!/usr/bin/env bash
# Remake the notebooks' committed outputs on the real CIFAKE, from documented runs (the tests run the same notebooks on
# the demo data):
#   tools/run_notebooks.sh RUN_DIR STUDY_DIR [NOTEBOOK ...]          e.g. tools/run_notebooks.sh runs/final60s runs/transfer
# RUN_DIR: the finished cifake_nb_train run of the README's table (and of the bundled detector, tools/bundle.py).
#   02_train shows it: for 02 the runs folder ($CIFAKE_NB_RUNS, a scratch folder here) holds a copy of it as cifake/, so
#   02 finds a finished run and loads it instead of training for an hour.
# STUDY_DIR: a finished cifake_nb_transfer study, which 06_transfer shows ($CIFAKE_NB_STUDY) instead of training it again.
# 03_evaluate, 04_gradcam and 05_predict run with an empty runs folder: they show the bundled detector, as in Colab.
# CIFAKE_DATA (default kaggle), CIFAKE_EXTERNAL and CIFAKE_GEN32 are passed on. Nothing outside the scratch folder and
# the notebooks is written. Prints each notebook's time.
set -euo pipefail
run=$(realpath "$1"); study=$(realpath "$2"); shift 2
cd "$(dirname "$0")/../nbs"
scratch=$(mktemp -d -t cifake-outputs-XXXXXX); trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/with-run" "$scratch/empty" && cp -r "$run" "$scratch/with-run/cifake"
export CIFAKE_DATA=${CIFAKE_DATA:-kaggle} CIFAKE_NB_STUDY=$study TQDM_DISABLE=1   # no progress bars in the outputs
for nb in ${@:-$(ls [0-9]*.ipynb | sed 's/.ipynb$//') index}; do
  runs=$scratch/empty; [ "$nb" = 02_train ] && runs=$scratch/with-run
  start=$(date +%s)
  CIFAKE_NB_RUNS=$runs jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=-1 "$nb.ipynb"
  python ../tools/strip_progress.py "$nb.ipynb"
  echo "$nb: $(( $(date +%s) - start )) s"
done
nbdev_clean
