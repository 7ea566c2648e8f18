"""Drop tqdm progress-bar outputs (stderr streams of bar updates) from executed notebooks: in a notebook file they
are thousands of stale frames, not a bar. `python tools/strip_progress.py NOTEBOOK...` (run_notebooks.sh calls it)."""
import json, re, sys
BAR = re.compile(r'\d+%\|')
for path in sys.argv[1:]:
    nb = json.load(open(path)); n = 0
    for c in (c for c in nb['cells'] if c['cell_type'] == 'code'):   # markdown cells have no outputs (nbformat)
        outs = c['outputs']
        keep = [o for o in outs if not (o.get('output_type') == 'stream' and o.get('name') == 'stderr'
                                        and BAR.search(''.join(o.get('text', ''))))]
        n += len(outs) - len(keep); c['outputs'] = keep
    json.dump(nb, open(path, 'w'), indent=1, ensure_ascii=False); open(path, 'a').write('\n')
    print(path, 'dropped', n, 'progress-bar outputs')
