"""Checks of the installed package, run by .ci/run in the fresh virtual environment it installed the wheel into.

    python tools/check_install.py cli     # import, every command's --help, demo data -> train -> evaluate -> predict
    python tools/check_install.py colab WHEEL   # every notebook in an empty folder, as Colab would run it

`cli` needs only the package (no dev tools). `colab` copies the notebooks into an empty folder outside the
repository, puts a stand-in `google.colab` module on the kernel's path so that each notebook's Colab branch runs,
points that branch's install at WHEEL ($CIFAKE_NB_PIP), and executes every notebook top to bottom with a real
Jupyter kernel (nbclient + ipykernel) on the demo data. Each prints 'NAME: N passed, M failed' and exits 1 on a
failure.
"""
import json, os, shutil, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COMMANDS = ['cifake_nb_train', 'cifake_nb_bench', 'cifake_nb_evaluate', 'cifake_nb_predict', 'cifake_nb_transfer']


def run(cmd, **kw):
    "Run `cmd`; return (ok, output). Commands are found beside this Python (the venv's bin)."
    bin_dir = Path(sys.executable).parent
    cmd = [str(bin_dir/cmd[0]) if (bin_dir/cmd[0]).exists() else cmd[0], *cmd[1:]]
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return p.returncode == 0, p.stdout + p.stderr


class Checks:
    "Named checks that report one line each and a closing 'N passed, M failed'."
    def __init__(self, name): self.name, self.passed, self.failed = name, 0, []

    def check(self, what, ok, detail=''):
        print(f"{'ok  ' if ok else 'FAIL'} {what}" + ('' if ok else f"\n{detail[-3000:]}"), flush=True)
        if ok: self.passed += 1
        else: self.failed.append(what)

    def close(self):
        print(f"{self.name}: {self.passed} passed, {len(self.failed)} failed", flush=True)
        sys.exit(1 if self.failed else 0)


def check_cli(tmp: Path):
    c = Checks('install')
    ok, out = run([sys.executable, '-c', 'import cifake_nb, cifake_nb.predict as p; print(cifake_nb.__version__, p.__file__)'])
    c.check('import cifake_nb (from site-packages, not the work tree)', ok and 'site-packages' in out, out)
    for cmd in COMMANDS:
        ok, out = run([cmd, '--help'])
        c.check(f'{cmd} --help', ok and 'usage:' in out, out)
    env = dict(os.environ, CIFAKE_NB_CACHE=str(tmp/'cache'))
    run_dir = tmp/'run'
    t = time.time()
    ok, out = run(['cifake_nb_train', '--data', 'demo', '--out', str(run_dir), '--epochs', '1', '--n-train', '400',
                   '--robust-n', '50', '--threads', '2', '--no-progress'], env=env)
    m = json.loads((run_dir/'metrics.json').read_text()) if (run_dir/'metrics.json').exists() else {}
    c.check(f'train on demo data ({time.time() - t:.0f} s): best.pt, and metrics.json on the 500 demo test images, as printed',
            ok and (run_dir/'best.pt').is_file() and m.get('test', {}).get('full', {}).get('n') == 500
            and f"accuracy {m.get('accuracy', -1):.4f}" in out, out)
    t = time.time()
    ok, out = run(['cifake_nb_evaluate', '--ckpt', str(run_dir/'best.pt'), '--data', 'demo', '--out', str(tmp/'eval'),
                   '--robust-n', '50'], env=env)
    c.check(f'evaluate ({time.time() - t:.0f} s): report.md and figures', ok and (tmp/'eval'/'report.md').is_file()
            and len(list((tmp/'eval').glob('*.png'))) >= 4, out)
    # a folder with good images, an odd-sized one, a corrupt file and a text file
    imgs = tmp/'imgs'; imgs.mkdir()
    demo_test = sorted((tmp/'cache').rglob('test/FAKE/*.jpg'))[:3]
    for f in demo_test: shutil.copy(f, imgs/f.name)
    from PIL import Image
    Image.new('RGBA', (517, 301), (20, 120, 200, 128)).save(imgs/'odd.png')
    (imgs/'corrupt.jpg').write_bytes(b'\xff\xd8\xff\xe0 not really a jpeg')
    (tmp/'notes.txt').write_text('not an image')
    p = subprocess.run([str(Path(sys.executable).parent/'cifake_nb_predict'), str(imgs), str(tmp/'notes.txt'),
                        '--ckpt', str(run_dir/'best.pt'), '--json'], capture_output=True, text=True, env=env)
    try: rows = json.loads(p.stdout)
    except ValueError: rows = []
    errors = {Path(r['path']).name for r in rows if r.get('error')}
    scored = [r for r in rows if not r.get('error')]
    c.check(f'predict: {len(scored)} scored, errors for {sorted(errors)}, exit status 1', p.returncode == 1
            and len(scored) == len(demo_test) + 1 and errors == {'corrupt.jpg', 'notes.txt'}
            and all(0 <= r['p_fake'] <= 1 for r in scored), p.stdout + p.stderr)
    bare_env = {k: v for k, v in env.items() if k != 'CIFAKE_NB_CKPT'}
    p = subprocess.run([str(Path(sys.executable).parent/'cifake_nb_predict'), str(imgs/demo_test[0].name), str(imgs/'odd.png')],
                       capture_output=True, text=True, env=bare_env)
    table = p.stdout.splitlines()
    odd = next((l.split() for l in table if l.endswith('odd.png')), ['', '', ''])
    c.check('predict with no other argument: the bundled detector, named on stderr; a table of at most 100 columns; '
            'the 517x301 image reduced, outside the domain, no bare label', p.returncode == 0
            and 'detector: the bundled detector' in p.stderr and max(map(len, table or ['x' * 101])) <= 100
            and odd[2].startswith('reduced') and odd[1] in ('REAL?', 'FAKE?', 'UNSURE'), p.stdout + p.stderr)
    ok, out = run(['cifake_nb_predict', str(imgs), '--ckpt', str(tmp/'missing.pt')], env=env)
    c.check('predict with a missing checkpoint: a clear message, no traceback',
            not ok and 'Traceback' not in out and 'missing.pt' in out, out)
    c.close()


STUB = '"A stand-in for Colab\'s module: its presence is how a notebook knows it runs in Colab."\n'


def execute(nb_path: Path, timeout=900):
    "Run the notebook in place with a real kernel; return (ok, error text, first code cell's output)."
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    nb = nbformat.read(nb_path, as_version=4)
    try:
        NotebookClient(nb, timeout=timeout, kernel_name='python3', resources={'metadata': {'path': str(nb_path.parent)}}).execute()
        err = ''
    except CellExecutionError as e: err = str(e)
    except Exception as e: err = f'{type(e).__name__}: {e}'
    nbformat.write(nb, nb_path)
    first = next((c for c in nb.cells if c.cell_type == 'code'), None)
    text = ''.join(o.get('text', '') for o in (first.outputs if first else []) if o.get('output_type') == 'stream')
    return not err, err, text


def check_colab(tmp: Path, wheel: str):
    c = Checks('colab')
    work, stub = tmp/'colab', tmp/'stub'/'google'/'colab'
    work.mkdir(); stub.mkdir(parents=True)
    (stub/'__init__.py').write_text(STUB)               # google/ stays a namespace package
    notebooks = sorted((REPO/'nbs').glob('*.ipynb'))
    for nb in notebooks: shutil.copy(nb, work/nb.name)
    os.environ.update(PYTHONPATH=str(tmp/'stub'), CIFAKE_NB_PIP=str(Path(wheel).resolve()), IN_TEST='1',
                      CIFAKE_NB_CACHE=str(tmp/'cache'))
    os.environ.pop('CIFAKE_NB_CKPT', None); os.environ.pop('CIFAKE_DATA', None)
    # the demo data once, before the notebooks run two at a time and would each make it
    ok, out = run([sys.executable, '-c', 'from cifake_nb.data import get_cifake; get_cifake("demo")'])
    c.check('demo data made', ok, out)
    def one(nb):
        t = time.time(); ok, err, first = execute(work/nb.name)
        return nb.name, ok, err, first, time.time() - t
    with ThreadPoolExecutor(2) as pool:
        for name, ok, err, first, secs in pool.map(one, notebooks):
            c.check(f'{name} ran top to bottom in an empty folder ({secs:.0f} s); its Colab cell installed the wheel',
                    ok and 'Colab: installed' in first, err or f'first cell printed: {first!r}')
    os.environ['CIFAKE_NB_PIP'] = str(tmp/'no-such-wheel.whl')          # an install that fails must say what to do
    shutil.copy(REPO/'nbs'/'08_structure.ipynb', tmp/'failing.ipynb')
    ok, err, _ = execute(tmp/'failing.ipynb')
    c.check('a failing install stops the notebook at its first cell with what to do instead',
            not ok and 'could not install cifake_nb from' in err and "os.environ['CIFAKE_NB_PIP']" in err, err)
    leftovers = sorted(p.name for p in work.iterdir() if p.suffix != '.ipynb')
    c.check(f'nothing left beside the notebooks but what they say they write: {leftovers}',
            set(leftovers) <= {'runs'}, str(leftovers))
    c.close()


if __name__ == '__main__':
    what = sys.argv[1] if len(sys.argv) > 1 else ''
    tmp = Path(tempfile.mkdtemp(prefix=f'cifake-{what}-'))
    try:
        if what == 'cli': check_cli(tmp)
        elif what == 'colab' and len(sys.argv) == 3: check_colab(tmp, sys.argv[2])
        else: sys.exit(__doc__)
    finally: shutil.rmtree(tmp, ignore_errors=True)
