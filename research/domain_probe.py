"""What the out-of-domain notice of predict catches, on real data: for CIFAKE's test images, degraded and synthetic
controls made from them, and the folders given (REAL/, FAKE/<generator>/), the share flagged, the median feature
distance, how well the distance separates each set from CIFAKE's test images (ROC-AUC), and the detector's error rate
among flagged and other images.
    python research/domain_probe.py runs/final60s/best.pt [FOLDER ...] [--data kaggle] [--threads 2]"""
import argparse, numpy as np, torch
from sklearn.metrics import roc_auc_score
from cifake_nb.data import get_cifake
from cifake_nb.images import load_split, load_image_folder
from cifake_nb.batches import TRANSFORMS
from cifake_nb.predict import load_predictor, score_chunk

def controls(test, n:int=2000, seed:int=0)->dict:
    "{name: (uint8 images, label)}: CIFAKE test images, degraded copies of its real ones, noise and flat colours."
    g, real = torch.Generator().manual_seed(seed), test.x[test.y == 0][:n]
    sets = {'CIFAKE test REAL': (test.x[test.y == 0], 0), 'CIFAKE test FAKE': (test.x[test.y == 1], 1)}
    for kind, level in [('jpeg', 10), ('blur', 2.0), ('noise', 0.1), ('rescale', 0.25)]:
        sets[f'CIFAKE REAL, {kind} {level}'] = (TRANSFORMS[kind](real, torch.full((len(real),), float(level)), g), 0)
    sets['CIFAKE REAL, grey'] = (real.float().mean(1, keepdim=True).expand(-1, 3, -1, -1).round().to(torch.uint8), 0)
    sets['CIFAKE REAL, colours inverted'] = (255 - real, 0)
    sets['uniform noise'] = (torch.randint(0, 256, (1000, 3, 32, 32), generator=g, dtype=torch.uint8), 0)
    sets['flat colours'] = (torch.randint(0, 256, (1000, 3, 1, 1), generator=g, dtype=torch.uint8).expand(-1, -1, 32, 32).contiguous(), 0)
    return sets

def folder_sets(root)->dict:
    "{'folder: generator': (images, label)} for every generator (and REAL) of a labelled folder."
    ds = load_image_folder(root, progress=False)
    return {f'{root.rstrip("/").split("/")[-1]}: {gen}': (ds.x[torch.tensor([x == gen for x in ds.gen])], int(gen != 'REAL'))
            for gen in sorted(set(ds.gen))}

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('ckpt'); ap.add_argument('folders', nargs='*'); ap.add_argument('--data', default='kaggle')
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    det = load_predictor(a.ckpt)
    sets = controls(load_split(get_cifake(a.data), 'test', progress=False))
    for root in a.folders: sets |= folder_sets(root)
    scored = {name: (*map(np.asarray, score_chunk(det, x, 512)), y) for name, (x, y) in sets.items()}
    d_in = np.concatenate([scored['CIFAKE test REAL'][1], scored['CIFAKE test FAKE'][1]])
    print(f"limit {det.domain['limit']:.1f} (99th percentile of the validation images' distances)\n")
    print('| images | n | flagged | median distance | ROC-AUC of the distance against CIFAKE test | error rate (n), flagged | error rate (n), not flagged |')
    print('|---|---|---|---|---|---|---|')
    for name, (p, d, y) in scored.items():
        wrong, flag = (p >= det.threshold) != bool(y), d > det.domain['limit']
        auc = '—' if name.startswith('CIFAKE test') else f'{roc_auc_score(np.r_[np.zeros(len(d_in)), np.ones(len(d))], np.r_[d_in, d]):.3f}'
        rate = lambda m: f'{wrong[m].mean():.3f} ({m.sum()})' if m.sum() else '—'
        print(f'| {name} | {len(p)} | {flag.mean():.3f} | {np.median(d):.1f} | {auc} | {rate(flag)} | {rate(~flag)} |')
