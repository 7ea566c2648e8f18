"""Training images/s of the 'cpu' preset in bfloat16 and in float32 on this CPU, side by side, two rounds (a probe of
12 steps each after 3 to warm up; run it alone).    python tools/probe_amp.py [--data kaggle] [--threads 2]"""
import argparse, time, torch
from cifake_nb.data import prepare_data
from cifake_nb.train import make_config, Trainer, train_step

def images_per_second(trn, val, amp:str, steps:int=12, warm:int=3)->float:
    t = Trainer(make_config('cpu', amp=amp, device='cpu'), trn, val)
    batches = t.batches.epoch_batches(0)
    for _ in range(warm): train_step(t, *next(batches))
    t0 = time.perf_counter()
    for _ in range(steps): train_step(t, *next(batches))
    return steps * t.batches.bs / (time.perf_counter() - t0)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--data', default='kaggle'); ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    trn, val = prepare_data(a.data, 0.1, 20000, 0, progress=False)
    for rnd in range(2):
        for amp in ['bf16', 'off']: print(f'round {rnd} {amp:4s} {images_per_second(trn, val, amp):5.0f} train images/s', flush=True)
