"""Training images/s of variants of a preset on this CPU, side by side, in rounds (each variant: `warm` steps to warm
up, which include torch.compile's compilation, then `steps` timed steps; run it alone, nothing else on the cores).
    python research/probe_speed.py [--data kaggle] [--threads 2] [--preset cpu] [--rounds 2] amp=bf16 amp=off compile=True
A variant is one or more comma-separated TrainConfig overrides of the preset (`amp=bf16,compile=True`); values are
Python literals or plain words."""
import argparse, ast, time, torch
from cifake_nb.images import prepare_data
from cifake_nb.config import make_config
from cifake_nb.train import Trainer, train_step

def parse_variant(text:str)->dict:
    "TrainConfig overrides from 'key=value,key=value' (values as Python literals, else as strings)."
    def value(v):
        try: return ast.literal_eval(v)
        except (ValueError, SyntaxError): return v
    if bad := [kv for kv in text.split(',') if '=' not in kv]: raise ValueError(f'{bad} is not key=value')
    return {k: value(v) for k, v in (kv.split('=', 1) for kv in text.split(','))}

def images_per_second(trn, val, preset:str, overrides:dict, steps:int=12, warm:int=3)->float:
    "Training images/s of `preset` with `overrides`, timed over `steps` batches after `warm` batches."
    t = Trainer(make_config(preset, device='cpu', **overrides), trn, val)
    batches = t.batches.epoch_batches(0)
    for _ in range(warm): train_step(t, *next(batches))
    t0 = time.perf_counter()
    for _ in range(steps): train_step(t, *next(batches))
    return steps * t.batches.bs / (time.perf_counter() - t0)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('variants', nargs='+'); ap.add_argument('--data', default='kaggle'); ap.add_argument('--preset', default='cpu')
    ap.add_argument('--threads', type=int, default=2); ap.add_argument('--rounds', type=int, default=2)
    ap.add_argument('--steps', type=int, default=12); ap.add_argument('--warm', type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    trn, val = prepare_data(a.data, 0.1, 20000, 0, progress=False)
    for rnd in range(a.rounds):
        for v in a.variants:
            ips = images_per_second(trn, val, a.preset, parse_variant(v), a.steps, a.warm)
            print(f'round {rnd} {v:30s} {ips:5.0f} train images/s', flush=True)
