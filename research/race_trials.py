"""Variants of the race recipe ('sprint') through the benchmark, one after another on the same split: how fast each
reaches the target validation accuracy (run it alone, nothing else on the cores; a variant takes 4-9 minutes on 2
cores with native bf16). A variant is comma-separated TrainConfig overrides, as in probe_speed.py.
    python research/race_trials.py --threads 2 epochs=2 epochs=3 bs=512,lr=3e-3,warmup=0.15 bs=512,lr=3e-3,warmup=0.15,seed=1"""
import argparse, sys, pandas as pd, torch
from probe_speed import parse_variant
from cifake_nb.data import DataError, markdown_table
from cifake_nb.images import prepare_data
from cifake_nb.config import make_config
from cifake_nb.bench import bench

def trial(trn, val, variant:str, target:float, minutes:float, threads:int)->dict:
    "One benchmark run of 'sprint' with the overrides of `variant`: its row of the table."
    row = bench(trn, val, ('sprint',), target, minutes, progress=False, per_recipe={'sprint': parse_variant(variant)},
                threads=threads).iloc[0]
    return {'variant': variant, **row.drop(['recipe', 'time limit s', f'time to {target:g} vs first']).to_dict()}

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('variants', nargs='+'); ap.add_argument('--data', default='kaggle')
    ap.add_argument('--threads', type=int, default=2); ap.add_argument('--target', type=float, default=0.95)
    ap.add_argument('--minutes', type=float, default=9, help='time limit per variant')
    a = ap.parse_args()
    for v in a.variants:                                      # a wrong variant fails before any training
        try: make_config('sprint', **parse_variant(v))
        except ValueError as e: ap.error(f'variant {v!r}: {e}')
    torch.set_num_threads(a.threads)
    try: trn, val = prepare_data(a.data, 0.1, None, 0, progress=False)
    except DataError as e: sys.exit(f'race_trials: error: {e}')
    rows = []
    for v in a.variants:
        rows.append(trial(trn, val, v, a.target, a.minutes, a.threads))
        print(markdown_table(pd.DataFrame(rows[-1:])), flush=True)
    print(markdown_table(pd.DataFrame(rows)))
