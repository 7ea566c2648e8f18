"""The committed outputs of the notebooks hold no absolute paths, user names, warnings, errors or progress bars: a reader sees what
the project shows, not the machine it ran on. `python tools/check_outputs.py [NOTEBOOK ...]` (default: every notebook;
.ci/run calls it) prints each offending output and exits 1 if there is one."""
import json, re, sys
from pathlib import Path
from strip_progress import is_bar   # tools/ is on the path when this runs as a script

NBS = Path(__file__).resolve().parents[1]/'nbs'
MACHINE = re.compile(r'(?<![\w.])(/root\b|/home/\w|/Users/\w|/tmp/|/var/|/work/|/content/|[A-Z]:\\|site-packages)')
WARNING = re.compile(r'\b\w*Warning\b|Traceback|IProgress not found')

def text_of(out:dict)->str:
    "The text an output shows: a stream's text, or a result's plain-text and HTML forms."
    if out.get('output_type') == 'stream': return ''.join(out.get('text', ''))
    if out.get('output_type') == 'error': return f"{out.get('ename')}: {out.get('evalue')}"
    data = out.get('data', {})
    return ''.join(''.join(data.get(k, '')) for k in ('text/plain', 'text/html', 'text/markdown'))

def problems(nb_path:Path)->list:
    "(cell number, what) for each output of the notebook that shows the machine, a warning or an error."
    found = []
    for i, c in enumerate(json.loads(nb_path.read_text())['cells']):
        for out in c.get('outputs', []):
            t = text_of(out)
            if is_bar(out): found.append((i, f'a progress bar (tools/strip_progress.py drops them): {t[:80]!r}'))
            if m := MACHINE.search(t): found.append((i, f'a path of the machine: ...{t[max(0, m.start() - 40):m.end() + 40]!r}'))
            if out.get('output_type') == 'error' or (m := WARNING.search(t)):
                found.append((i, f'a warning or error: {t[:200]!r}'))
    return found

if __name__ == '__main__':
    paths = [Path(p) for p in sys.argv[1:]] or sorted(NBS.glob('*.ipynb'))
    bad = [(p.name, i, what) for p in paths for i, what in problems(p)]
    for name, i, what in bad: print(f'{name}, cell {i}: {what}')
    print(f'notebook outputs: {len(paths)} notebooks, {len(bad)} outputs that show the machine, a warning, an error or a progress bar')
    sys.exit(1 if bad else 0)
