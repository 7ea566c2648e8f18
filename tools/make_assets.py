"""Make the README's results (assets/ and the results section of nbs/index.ipynb) from one training run.

    cifake_nb_train --data kaggle --out runs/final60s --preset cpu --epochs 30 --budget-minutes 60 --threads 2
    python tools/make_assets.py runs/final60s --command "..." --hardware "..." && python tools/readme.py

The run folder holds what `cifake_nb_train` wrote: best.pt, history.csv, metrics.json and the report's figures.
This copies four of those figures into assets/, draws a Grad-CAM gallery of test images with the run's best model,
writes assets/results.md (one table: the run on the full and the deduplicated test split, beside the figures the
reference project and the CIFAKE paper report; and the run's facts), and puts the same text between the results
markers of nbs/index.ipynb, from which README.md is written.
"""
import argparse, json, os, platform, shutil, sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIGURES = ['confusion', 'history', 'per_class', 'robustness']
START, END = '<!-- results:start (tools/make_assets.py) -->', '<!-- results:end -->'
METRICS = ['accuracy', 'precision', 'recall', 'f1', 'roc_auc']
# figures the others reported, as they reported them (no ROC-AUC given)
OTHERS = [('reference student project (reported; a subset of CIFAKE, its own test split)', dict(accuracy=0.95, precision=0.94, recall=0.96, f1=0.95)),
          ('CIFAKE paper, Bird & Lotfi 2024 (reported; full test split)', dict(accuracy=0.9298))]


def this_machine() -> str:
    import torch
    cpu = next((l.split(':', 1)[1].strip() for l in Path('/proc/cpuinfo').read_text().splitlines()
                if l.startswith('model name')), platform.processor()) if Path('/proc/cpuinfo').exists() else platform.processor()
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no GPU'
    return f'{os.cpu_count()} cores of {cpu}, {gpu}'


def gradcam_gallery(run: Path, data, out: Path, n: int = 16):
    "CAMs of why the model said what it said, on a stratified sample of test images; saved to `out`."
    import matplotlib; matplotlib.use("Agg")
    from cifake_nb.data import get_cifake, LABELS, CLASSES
    from cifake_nb.images import load_split, stratified_subset
    from cifake_nb.model import load_checkpoint, predict_proba
    from cifake_nb.gradcam import compute_cams, show_cams
    model, meta = load_checkpoint(run/'best.pt')
    ds = stratified_subset(load_split(get_cifake(data), 'test', progress=False), n=n, seed=1)
    p = predict_proba(model, ds)
    pred = (p >= meta['threshold']).astype(int)
    cams = compute_cams(model, ds.x, target=pred.tolist())
    titles = [f"{LABELS[int(y)]} {CLASSES[int(c)] if c >= 0 else ''}\nsaid {LABELS[int(q)]} ({pf:.2f})"
              for y, c, q, pf in zip(ds.y, ds.cls, pred, p)]
    fig = show_cams(ds.x, cams, titles, ncols=8, suptitle='Grad-CAM: where the model looked for the label it gave '
                    '(test images; P(FAKE) in brackets)')
    fig.savefig(out, dpi=110, bbox_inches='tight')


def table(m: dict, run_name: str) -> str:
    rows = [(f'**cifake_nb**, {run_name}: full test split ({m["test"]["full"]["n"]:,} images)', m['test']['full']),
            (f'**cifake_nb**, {run_name}: test split without the {m["deduplication"]["removed"]} leaked/duplicate '
             f'images ({m["test"]["deduplicated"]["n"]:,})', m['test']['deduplicated'])]
    rows += [(f'**cifake_nb**, the same model with flip test-time augmentation: {k} test split', m['test'][f'{k}, flip TTA'])
             for k in ('full', 'deduplicated') if f'{k}, flip TTA' in m['test']]
    rows += OTHERS
    fmt = lambda v: f'{v:.4f}' if isinstance(v, float) and v < 1 else '—'
    lines = ['| detector | accuracy | precision | recall | F1 | ROC-AUC |', '|---|---|---|---|---|---|']
    lines += [f'| {name} | ' + ' | '.join(fmt(r.get(k)) for k in METRICS) + ' |' for name, r in rows]
    return '\n'.join(lines)


def results_md(run: Path, m: dict, hardware: str, command: str) -> str:
    import pandas as pd
    from cifake_nb.model import load_checkpoint
    h, meta = pd.read_csv(run/'history.csv'), load_checkpoint(run/'best.pt')[1]
    best, n_train = meta['extra'], meta['extra']['data']['n_train']
    run_name = f'{"CPU" if "no GPU" in hardware else "GPU"}, {h.time.iloc[-1] / 60:.0f} min of training'
    ece = m.get('calibration', {}).get('ece_test')
    text = [table(m, run_name), '',
            f'The run: `{command}` on {hardware}; {h.time.iloc[-1] / 60:.1f} minutes of training '
            f'({h.epoch.iloc[-1]:.1f} epochs of {n_train:,} training images, '
            f'{(h["images/s"] * h.seconds).sum() / h.seconds.sum():.0f} training images/s on average), best model at '
            f'epoch {best["epoch"]:.1f} (validation accuracy {best["valid_acc"]:.4f}); decision threshold '
            f'{m["threshold"]:.3f}, chosen on the validation images, never on test'
            + (f'; expected calibration error {ece:.4f} on test.' if ece is not None else '.')
            + ' Its best model is the bundled detector (float16 weights: the same figures to the fourth decimal). '
            'The reference and the paper report their own runs: their figures are quoted, not reproduced here.', '',
            '| | |', '|---|---|',
            '| ![confusion matrix](assets/confusion.png) | ![training curves](assets/history.png) |',
            '| ![accuracy per class](assets/per_class.png) | ![robustness](assets/robustness.png) |', '',
            '![Grad-CAM gallery](assets/gradcam.png)']
    return '\n'.join(text)


def put_in_index(md: str):
    "Replace the results section of nbs/index.ipynb (paths seen from nbs/: assets/ is linked there)."
    put_between(md, START, END)


def put_between(md: str, start: str, end: str):
    "Replace the text between `start` and `end` in nbs/index.ipynb."
    p = REPO/'nbs'/'index.ipynb'
    nb = json.loads(p.read_text())
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown' and start in src and end in src:
            c['source'] = (src[:src.index(start) + len(start)] + '\n' + md + '\n' + src[src.index(end):]).splitlines(keepends=True)
            p.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
            return
    sys.exit(f'no cell with {start} ... {end} in {p}')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('run', type=Path, help='run folder written by cifake_nb_train')
    ap.add_argument('--data', default='kaggle', help="the data the run used (for the Grad-CAM gallery)")
    ap.add_argument('--hardware', default=None, help='what the run ran on (default: this machine)')
    ap.add_argument('--command', default=None, help='the command that made the run (default: from the run settings)')
    ap.add_argument('--assets', type=Path, default=REPO/'assets')
    a = ap.parse_args()
    missing = [f for f in ('metrics.json', 'history.csv', 'best.pt') if not (a.run/f).is_file()]
    if missing: sys.exit(f'{a.run} is not a finished cifake_nb_train run: it lacks {", ".join(missing)} '
                         f'(cifake_nb_evaluate --ckpt {a.run}/best.pt --out {a.run} writes metrics.json)')
    m = json.loads((a.run/'metrics.json').read_text())
    if m.get('demo_data'): sys.exit(f'{a.run} was trained on the demo data: the README shows CIFAKE results only')
    a.assets.mkdir(exist_ok=True)
    for name in FIGURES:
        src = a.run/m['figures'][name]
        shutil.copy(src, a.assets/f'{name}.png'); print('copied', src, '->', a.assets/f'{name}.png')
    gradcam_gallery(a.run, a.data, a.assets/'gradcam.png'); print('drew', a.assets/'gradcam.png')
    command = a.command or 'cifake_nb_train --data kaggle --out RUN --preset cpu --epochs 30 --budget-minutes 60 --threads 2'
    md = results_md(a.run, m, a.hardware or this_machine(), command)
    (a.assets/'results.md').write_text(md + '\n'); print('wrote', a.assets/'results.md')
    put_in_index(md); print('updated the results section of nbs/index.ipynb: now run python tools/readme.py')


if __name__ == '__main__':
    main()
