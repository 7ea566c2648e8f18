"""Drop tqdm progress-bar outputs from executed notebooks: stderr streams of bar updates, and the widgets tqdm.auto
shows where ipywidgets is installed. In a notebook file they are stale frames (a widget renders as its first text,
"0%"), not a bar. `python tools/strip_progress.py NOTEBOOK...` (run_notebooks.sh calls it)."""
import json, re, sys
BAR = re.compile(r'\d+%\|')
WIDGET = 'application/vnd.jupyter.widget-view+json'


def is_bar(out: dict) -> bool:
    "A progress bar: a stderr stream of bar frames, or a widget."
    if out.get('output_type') == 'stream':
        return out.get('name') == 'stderr' and bool(BAR.search(''.join(out.get('text', ''))))
    return WIDGET in out.get('data', {})


def strip(path: str) -> int:
    "Drop the notebook's progress-bar outputs in place; the number dropped."
    nb = json.load(open(path)); n = 0
    for c in (c for c in nb['cells'] if c['cell_type'] == 'code'):   # markdown cells have no outputs (nbformat)
        outs = c['outputs']
        keep = [o for o in outs if not is_bar(o)]
        n += len(outs) - len(keep); c['outputs'] = keep
    json.dump(nb, open(path, 'w'), indent=1, ensure_ascii=False); open(path, 'a').write('\n')
    return n


if __name__ == '__main__':
    for path in sys.argv[1:]: print(path, 'dropped', strip(path), 'progress-bar outputs')
