"""Can the trainable generators be learnt at all, from the images there are of them? `transfer.learnability` on the
fakes of --gen32 and, as a control, CIFAKE's own generator (Stable Diffusion 1.4) at the sizes of a GAN of the set
(64 images) and of its PixelCNN++ (512): a detector (the 'study' preset) and a logistic regression on spectra are
trained on CIFAKE train REAL against these fakes alone (80% of each generator), and each generator's other 20% is
scored against CIFAKE test REAL. Twice: the fakes through JPEG q75 as the study trains them, and as they are.
Then each generator alone (a detector per generator, against --n-alone real images, over --seeds splits), beside
CIFAKE's generator alone with as many images. Then how many images of a generator it takes: the same on CIFAKE alone (its fakes against as many of its real
images, both JPEG q75 already, so neither goes through JPEG again), for each size of --curve.
Run it alone (heavy: about 25 minutes on 2 cores with every part; --only picks parts).
    python research/learn_probe.py --gen32 GEN32_DIR [--epochs 10] [--seeds 2] [--curve 400,1600,6400,25600] [--out runs/learn_probe]"""
import argparse, json, sys, time, torch, pandas as pd
from pathlib import Path
from cifake_nb.data import REAL, FAKE, DataError, get_cifake
from cifake_nb.images import load_split, load_image_folder, stratified_subset, with_generator, combine
from cifake_nb.config import make_config
from cifake_nb.transfer import CIFAKE_GEN, learnability

def control_fakes(train, sizes:tuple=(64, 512)):
    "CIFAKE train fakes as generators '<CIFAKE_GEN> (n)', one per size, no image in two."
    fakes = stratified_subset(train.subset(train.y == FAKE), n=sum(sizes), seed=0)
    cuts = torch.tensor((0,) + sizes).cumsum(0).tolist()
    return {f'{CIFAKE_GEN} ({n})': with_generator(fakes.subset(torch.arange(a, b)), f'{CIFAKE_GEN} ({n})') for n, a, b in zip(sizes, cuts, cuts[1:])}

def one_at_a_time(gen, train, test, n_real:int, seeds:int, cfg)->pd.DataFrame:
    "`learnability` of each generator of `gen` alone, and of CIFAKE's alone with as many images; means over `seeds` splits."
    real, sd = stratified_subset(train.subset(train.y == REAL), n=n_real, seed=0), train.subset(train.y == FAKE)
    rows, controls = {}, {}            # controls: {size: CIFAKE's generator alone with that many fakes}, run once per size
    mean_of = lambda runs: pd.concat(runs, axis=1).mean(axis=1)
    for g in sorted(set(gen.generators)):
        mine = gen.subset([v == g for v in gen.generators])
        if len(mine) not in controls:
            control = with_generator(stratified_subset(sd, n=len(mine), seed=0), CIFAKE_GEN)
            controls[len(mine)] = mean_of([learnability(control, real, test, cfg, jpeg=None, seed=s).loc[CIFAKE_GEN] for s in range(seeds)])  # JPEG already
        own = mean_of([learnability(mine, real, test, cfg, jpeg=75, seed=s).loc[g] for s in range(seeds)])   # PNG fakes: through JPEG, as trained
        rows[g] = {**own.to_dict(), **controls[len(mine)].add_prefix('cifake_').to_dict()}
        print(g, {k: round(v, 3) for k, v in rows[g].items()}, flush=True)
    return pd.DataFrame.from_dict(rows, orient='index').rename_axis('generator').drop(columns=['cifake_n_train', 'cifake_n_unseen'])

def learning_curve(train, test, sizes:list, cfg)->pd.DataFrame:
    "`learnability` of CIFAKE's generator from `n` of its train fakes against `n` train REAL images, for each `n` of `sizes`."
    rows = {}
    for n in sizes:
        fakes = with_generator(stratified_subset(train.subset(train.y == FAKE), n=n, seed=0), CIFAKE_GEN)
        real = stratified_subset(train.subset(train.y == REAL), n=n, seed=0)
        rows[n] = learnability(fakes, real, test, cfg, jpeg=None).loc[CIFAKE_GEN].to_dict()
        print(f'{n} images of each label: {rows[n]}', flush=True)
    return pd.DataFrame.from_dict(rows, orient='index').rename_axis('images of each label')

def run_parts(a, gen, train, test, cfg)->dict:
    "The tables the command line `a` asks for ('mix', 'alone', 'curve'), each printed as it is done."
    tabs, t0, parts = {}, time.time(), set(a.only.split(','))
    def show(name, tab): tabs[name] = tab; print(f'\n{name} ({time.time() - t0:.0f} s):\n', tab.round(3).to_markdown(), sep='', flush=True)
    if 'mix' in parts:
        fakes, real = combine({'gen32': gen, **control_fakes(train)}), stratified_subset(train.subset(train.y == REAL), n=a.n_real, seed=0)
        for name, jpeg in (('through JPEG q75', 75), ('as they are', None)): show(name, learnability(fakes, real, test, cfg, jpeg=jpeg))
    if 'alone' in parts: show('each alone', one_at_a_time(gen, train, test, a.n_alone, a.seeds, cfg))
    if a.curve and 'curve' in parts: show('CIFAKE alone, by size', learning_curve(train, test, a.curve, cfg))
    return tabs

def sizes(text:str)->list:
    "The comma-separated image counts of --curve, each a positive whole number ('' gives none)."
    try: out = [int(v) for v in text.split(',') if v.strip()]
    except ValueError: raise argparse.ArgumentTypeError(f'{text!r} is not a list of whole numbers such as 400,1600')
    if any(n < 5 for n in out): raise argparse.ArgumentTypeError('each size must be at least 5 images')
    return out

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', default='kaggle'); ap.add_argument('--gen32', type=Path, required=True)
    ap.add_argument('--n-real', type=int, default=5000); ap.add_argument('--epochs', type=int, default=10)
    ap.add_argument('--n-alone', type=int, default=1000, help='real images against each generator alone')
    ap.add_argument('--seeds', type=int, default=2, help='splits averaged for each generator alone')
    ap.add_argument('--only', default='mix,alone,curve', help='which parts to run: mix, alone, curve')
    ap.add_argument('--curve', type=sizes, default='400,1600,6400,25600', help='sizes for the learning curve on CIFAKE alone; empty: skip it')
    ap.add_argument('--threads', type=int, default=2); ap.add_argument('--out', type=Path, default=Path('runs/learn_probe'))
    a = ap.parse_args()
    if bad := set(a.only.split(',')) - {'mix', 'alone', 'curve'}: ap.error(f'--only names {sorted(bad)}: use mix, alone, curve')
    torch.set_num_threads(a.threads)
    try:                                  # the small folder first: a wrong path fails before CIFAKE is read
        gen = load_image_folder(a.gen32, progress=False); gen = gen.subset(gen.y == FAKE)
        root = get_cifake(a.data); train = load_split(root, 'train', progress=False); test = load_split(root, 'test', progress=False)
    except DataError as e: sys.exit(f'learn_probe: error: {e}')
    cfg = make_config('study', epochs=a.epochs, threads=a.threads)
    if not len(gen): sys.exit(f'learn_probe: error: {a.gen32} has no FAKE/<generator>/ images')
    n_real, n_fake = int((train.y == REAL).sum()), int((train.y == FAKE).sum())
    asked = [('--n-real', a.n_real, n_real, 'mix'), ('--n-alone', a.n_alone, n_real, 'alone'), *[('--curve', n, min(n_real, n_fake), 'curve') for n in a.curve]]
    if too_many := [f'{k} {v}' for k, v, lim, part in asked if part in a.only.split(',') and v > lim]:
        sys.exit(f'learn_probe: error: {", ".join(too_many)}: more images than the train split has ({n_real} REAL, {n_fake} FAKE)')
    a.out.mkdir(parents=True, exist_ok=True)      # before the work: an unwritable folder fails now, not after it
    tabs = run_parts(a, gen, train, test, cfg)
    (a.out/'metrics.json').write_text(json.dumps({'epochs': a.epochs, 'n_real': a.n_real, **{k: t.to_dict('index') for k, t in tabs.items()}}, indent=1, default=float))
