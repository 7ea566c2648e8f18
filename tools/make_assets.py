"""Make the README's results (assets/ and the results section of nbs/index.ipynb) from one training run.

    cifake_nb_train --data kaggle --out runs/cifar60 --preset cpu --stem cifar --amp bf16 --epochs 30 --budget-minutes 60 --threads 2
    tools/run_notebooks.sh runs/cifar60          # 02_train adds its benchmark (bench.md) to nbs/runs/cifake
    python tools/make_assets.py nbs/runs/cifake --command "..." --hardware "..." && python tools/readme.py

The run folder holds what `cifake_nb_train` wrote: best.pt, history.csv, metrics.json and the report's figures, and
bench.md where 02_train's benchmark ran beside it.
This copies those figures into assets/, draws a Grad-CAM gallery of test images with the run's best model, writes
assets/results.md (the metrics table beside the reference project and the CIFAKE paper, and the run's facts),
and puts the same text between the results markers of nbs/index.ipynb, from which README.md is written.
"""
import argparse, json, os, platform, shutil, sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIGURES = ['confusion', 'history', 'roc_pr', 'per_class', 'robustness', 'reliability', 'mistakes']
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
    import torch, matplotlib; matplotlib.use('Agg')
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
            f'epoch {best["epoch"]:.1f} (validation accuracy {best["valid_acc"]:.4f}). The decision threshold '
            f'({m["threshold"]:.3f}) was chosen on the validation images, never on test. The reference and the paper '
            f'report their own runs: their figures are quoted, not reproduced here.', '',
            f'Calibration: expected calibration error {ece:.4f} on the test split.' if ece is not None else None, '',
            *bench_section(run),
            '| | |', '|---|---|',
            '| ![confusion matrix](assets/confusion.png) | ![training curves](assets/history.png) |',
            '| ![accuracy per class](assets/per_class.png) | ![robustness](assets/robustness.png) |',
            '| ![ROC and precision-recall](assets/roc_pr.png) | ![reliability](assets/reliability.png) |', '',
            '![Grad-CAM gallery](assets/gradcam.png)', '',
            '![most confident mistakes](assets/mistakes.png)']
    return '\n'.join(t for t in text if t is not None)


def bench_section(run: Path) -> list:
    "The speed benchmark against the reference recipe, when 02_train left one beside the run (bench.md)."
    if not (run/'bench.md').is_file(): return []
    return ['Speed, ours against the reference recipe (both train the stock ResNet-18 on the same data and machine, in one run of `cifake_nb_bench`, '
            '02_train\'s benchmark; the time to 95% validation accuracy includes the validations):', '',
            (run/'bench.md').read_text().strip(), '']


def put_in_index(md: str):
    "Replace the results section of nbs/index.ipynb (paths seen from nbs/: assets/ is linked there)."
    put_between(md, START, END)


TSTART, TEND = '<!-- transfer:start (tools/make_assets.py --transfer) -->', '<!-- transfer:end -->'


def transfer_md(study: Path) -> str:
    "The transfer study written by cifake_nb_transfer, as the README shows it."
    import pandas as pd
    from cifake_nb.data import markdown_table
    m = json.loads((study/'metrics.json').read_text())
    summary = pd.DataFrame.from_dict(m['summary'], orient='index').rename_axis('detector').reset_index()
    text = [markdown_table(summary.round(4)), '', against_goals(m['summary']), '']
    if 'logo' in m:
        logo = pd.DataFrame.from_dict(m['logo'], orient='index').rename_axis('held-out generator').reset_index()
        text += ['Each generator of the trainable set, scored (against CIFAKE test/REAL) by the run that did not train on it; '
                 '`roc_auc_seen`: its validation images (never trained on), scored by the runs that trained on its other images:', '',
                 markdown_table(logo.round(4)), '']
    return '\n'.join(text)


def against_goals(s: dict) -> str:
    "The study's figures beside the transfer goals, in one sentence (read from its summary)."
    held, best = s.get('+ other generators, one held out', {}), s.get('everything', s.get('+ augmentation', {}))
    said = []
    if held: said.append(f"held-out generators: mean ROC-AUC {held['gen_auc_mean']:.3f} as-is, {held['gen_auc_jpeg_mean']:.3f} "
                         f"through JPEG (goal >= 0.90), lowest {min(held['gen_auc_min'], held['gen_auc_jpeg_min']):.3f} (goal >= 0.80)"
                         + (f"; the same runs on unseen images of the generators they trained on: mean ROC-AUC {held['gen_auc_seen_mean']:.3f}"
                            if held.get('gen_auc_seen_mean') is not None else ''))
    if best.get('external_auc') is not None:
        said.append(f"outside CIFAKE: ROC-AUC {best['external_auc']:.3f} (goal >= 0.80), real photos called fake "
                    f"{best['external_real_called_fake']:.1%} (goal < 15%)")
    if best: said.append(f"CIFAKE test accuracy {best['cifake_acc']:.3f} against {s['CIFAKE only']['cifake_acc']:.3f} for CIFAKE only")
    return 'Against the goals: ' + '; '.join(said) + '.'


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
    ap.add_argument('run', type=Path, nargs='?', help='run folder written by cifake_nb_train')
    ap.add_argument('--transfer', type=Path, help='a study folder written by cifake_nb_transfer: its tables go to the README')
    ap.add_argument('--data', default='kaggle', help="the data the run used (for the Grad-CAM gallery)")
    ap.add_argument('--hardware', default=None, help='what the run ran on (default: this machine)')
    ap.add_argument('--command', default=None, help='the command that made the run (default: from the run settings)')
    ap.add_argument('--assets', type=Path, default=REPO/'assets')
    a = ap.parse_args()
    if a.transfer:
        put_between(transfer_md(a.transfer), TSTART, TEND); print('updated the transfer section of nbs/index.ipynb')
        if not a.run: return
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
