"""Replace the bundled detector with the best model of a finished run folder, in one step: the float16 weights and
the provenance in cifake_nb/detector/, and their sha256 recorded in the package's code (nbs/01c_bundle.ipynb, then
nbdev_export). A bundle is never edited by hand; this is the one way to change it.
    python tools/bundle.py RUN_DIR --name NAME --command "..." --hardware "..." --date YYYY-MM-DD --commit HASH \\
        [--report REPORT_DIR --outside-images "..." --record "RESULTS.md entry title"]
RUN_DIR is a finished cifake_nb_train run (best.pt, metrics.json). Make the bundle once without --report, evaluate it
(`cifake_nb_evaluate --data kaggle --external DIR --out REPORT_DIR`: with no --ckpt it evaluates the bundle), then run
this again with --report: the bundle's own test figures and its figures on the images from outside CIFAKE (all of
them outside its domain) go into the provenance, which `cifake_nb_predict` quotes. The weights, and so the hash, are
the same both times."""
import argparse, json, re, subprocess, sys
from pathlib import Path
from cifake_nb.bundle import make_bundle, test_figures, BUNDLE_FILE

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO/'nbs'/'01c_bundle.ipynb'

def record_hash(sha:str):
    "Write `sha` into BUNDLE_SHA256 in the notebook (the source of the package's code), then export it."
    nb = json.loads(NOTEBOOK.read_text())
    pat = re.compile(r"^(BUNDLE_SHA256 = ')[0-9a-f]{64}(')", re.M)
    cells = [c for c in nb['cells'] if pat.search(''.join(c['source']))]
    if len(cells) != 1: sys.exit(f'expected one BUNDLE_SHA256 line in {NOTEBOOK}, found {len(cells)}')
    src = pat.sub(lambda m: m.group(1) + sha + m.group(2), ''.join(cells[0]['source']))
    cells[0]['source'] = src.splitlines(keepends=True)
    NOTEBOOK.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    subprocess.run(['nbdev_export'], cwd=REPO, check=True)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('run', type=Path, help='a finished run folder of cifake_nb_train')
    for k in ('name', 'command', 'hardware', 'date', 'commit'): ap.add_argument('--' + k, required=True)
    ap.add_argument('--report', type=Path, help="the report folder of cifake_nb_evaluate on the bundle, with --external")
    ap.add_argument('--outside-images', help='what the images from outside CIFAKE of the report were')
    ap.add_argument('--record', help='the title of the RESULTS.md entry that records the report')
    a = ap.parse_args()
    out = REPO/'cifake_nb'/'detector'
    facts = dict(name=a.name, command=a.command, hardware=a.hardware, date=a.date, commit=a.commit)
    if a.report:
        rep = json.loads((a.report/'metrics.json').read_text())
        facts['test_bundle'] = test_figures(rep)
        if ext := rep.get('external', {}).get('all generators'):
            facts['outside_domain'] = dict(n=int(ext['n_real'] + ext['n_fake']), roc_auc=ext['roc_auc'],
                                           real_called_fake=ext['real_called_fake'], images=a.outside_images,
                                           record=a.record)
    sha = make_bundle(a.run, out, **facts)
    record_hash(sha)
    print(f'bundle: {out/BUNDLE_FILE} ({(out/BUNDLE_FILE).stat().st_size / 2**20:.1f} MB), sha256 {sha}')
