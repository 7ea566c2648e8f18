#!/usr/bin/env bash
# Execute the notebooks on the real CIFAKE so that their committed outputs (and the docs site) show CIFAKE results:
#   tools/run_notebooks.sh RUN_DIR [NOTEBOOK ...]      e.g. tools/run_notebooks.sh runs/cpu60 03_evaluate
# RUN_DIR is a finished cifake_nb_train run (the one tools/make_assets.py shows). It is copied to nbs/runs/cifake,
# the runs folder beside the notebooks, where 02_train keeps its real run (a finished run is loaded, not trained
# again) and where 03-05 find their detector. CIFAKE_DATA (default kaggle) and CIFAKE_EXTERNAL are passed on; CIFAKE_NB_BENCH_MINUTES sets the
# time limit of each recipe in 02_train's benchmark. nbdev_test still runs every notebook on the demo data.
set -euo pipefail
run=$(realpath "$1"); shift
cd "$(dirname "$0")/../nbs"
if [ "$run" != "$(pwd)/runs/cifake" ]; then rm -rf runs/cifake && mkdir -p runs && cp -r "$run" runs/cifake; fi  # (or it is already there)
export CIFAKE_DATA=${CIFAKE_DATA:-kaggle}
for nb in ${@:-$(ls [0-9]*.ipynb | sed 's/.ipynb$//') index}; do
  start=$(date +%s)
  jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=-1 "$nb.ipynb"
  python ../tools/strip_progress.py "$nb.ipynb"
  echo "$nb: $(( $(date +%s) - start )) s"
done
nbdev_clean
