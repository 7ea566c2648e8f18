"""Build a local preview of the docs site and check every page in headless Chromium.

    python tools/docs_check.py [--out DIR] [--shots DIR]

The site itself is rendered by Quarto (`nbdev_docs`, in the deploy workflow), which cannot be installed offline.
The preview renders the same processed notebooks: `nbdev_proc_nbs` (what `nbdev_docs` feeds Quarto: the API docs
of every exported function added by `show_doc`, doc links, directives applied), then nbconvert's HTML exporter,
one page a notebook named as Quarto names it (`00_data.ipynb` -> `data.html`). The pages are served on localhost
and opened in Debian's Chromium (driven by Selenium with the system chromedriver), which checks that every page:
loads with its title and heading; shows every figure (each <img> decoded, at least as many as the notebook has
image outputs); has the API docs of each public function and class its module exports (from `_modidx.py`); and
has no broken link: every link into the site names a page that exists and an anchor on it (links elsewhere are
counted, not followed: there is no network). `--shots DIR` saves a screenshot of each page.
Prints 'docs: N passed, M failed' and exits 1 on a failure.
"""
import argparse, functools, http.server, json, re, shutil, subprocess, sys, tempfile, threading
from pathlib import Path
from urllib.parse import urljoin, urlparse

REPO = Path(__file__).resolve().parents[1]
CHROME_FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                '--disable-background-networking', '--disable-component-update', '--disable-sync',
                '--disable-dev-shm-usage', '--window-size=1280,1600']


def settings():
    import configparser
    cp = configparser.ConfigParser(); cp.read(REPO/'settings.ini')
    return cp['DEFAULT']


def page_name(nb: Path) -> str:
    "The page Quarto makes of a notebook: numbers and underscores before the name dropped."
    return re.sub(r'^\d+[a-z]?_', '', nb.stem) + '.html'


def build(out: Path) -> dict:
    "Render the processed notebooks to HTML in `out`; return {page: (title, number of image outputs)}."
    import nbformat
    from nbconvert import HTMLExporter
    subprocess.run(['nbdev_proc_nbs'], cwd=REPO, check=True, capture_output=True)
    proc, pages = REPO/'_proc', {}
    exporter = HTMLExporter(template_name='lab')
    for nb_path in sorted(proc.glob('*.ipynb')):
        nb = nbformat.read(nb_path, as_version=4)
        front = front_matter(nb)
        h1 = front.get('title', nb_path.stem)
        nb.metadata['title'] = h1      # Quarto's title block, which nbconvert does not make
        nb.cells = [c for c in nb.cells if not (c.cell_type == 'raw' and c.source.startswith('---'))]
        for c in nb.cells:             # Quarto's attribute braces on show_doc's source links
            for o in c.get('outputs', []):
                if 'text/markdown' in o.get('data', {}): o['data']['text/markdown'] = QUARTO_ATTRS.sub('', o['data']['text/markdown'])
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"# {h1}" + (f"\n\n> {front['description']}" if front.get('description') else '')))
        n_img = sum('image/png' in o.get('data', {}) for c in nb.cells if c.cell_type == 'code' for o in c.outputs)
        html, _ = exporter.from_notebook_node(nb)
        name = page_name(nb_path)
        (out/name).write_text(html)
        pages[name] = (h1, n_img)
    for md_path in sorted((REPO/'nbs').glob('*.md')):      # the site's markdown pages (RESULTS.md)
        text = md_path.read_text()
        h1 = next((l[2:].strip() for l in text.splitlines() if l.startswith('# ')), md_path.stem)
        md_nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)], metadata={'title': h1})
        html, _ = exporter.from_notebook_node(md_nb)
        (out/f'{md_path.stem}.html').write_text(html)
        pages[f'{md_path.stem}.html'] = (h1, 0)
    for d in ('assets',):                                   # files the pages link to (the README figures)
        src = proc/d if (proc/d).exists() else REPO/d
        if src.exists(): shutil.copytree(src, out/d, dirs_exist_ok=True)
    return pages


QUARTO_ATTRS = re.compile(r'\{target="_blank"[^}]*\}')


def front_matter(nb) -> dict:
    "The YAML front matter that nbdev_proc_nbs makes of a notebook's '# Title' and '> description' cells."
    import yaml
    for c in nb.cells:
        if c.cell_type == 'raw' and c.source.startswith('---'):
            return yaml.safe_load(c.source.strip().strip('-')) or {}
    return {}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args): pass


def serve(root: Path):
    handler = functools.partial(QuietHandler, directory=str(root))
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f'http://127.0.0.1:{srv.server_port}/'


def browser(profile: Path):
    "Headless Chromium with its profile in `profile` (the caller removes it)."
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    for f in CHROME_FLAGS: opts.add_argument(f)
    opts.add_argument(f'--user-data-dir={profile}')
    opts.binary_location = next(filter(None, map(shutil.which, ('chromium', 'chromium-browser', 'google-chrome'))), '/usr/bin/chromium')
    return webdriver.Chrome(service=Service(shutil.which('chromedriver') or '/usr/bin/chromedriver'), options=opts)


def api_entries() -> dict:
    "{page: [(name, anchor)]} of the public top-level functions and classes of each module."
    sys.path.insert(0, str(REPO))
    from cifake_nb._modidx import d
    out = {}
    for mod, syms in d['syms'].items():
        for full, (url, _) in syms.items():
            name = full[len(mod) + 1:]
            if '.' in name or name.startswith('_'): continue
            page, anchor = url.split('#')
            out.setdefault(page, []).append((name, anchor))
    return out


PAGE_JS = """
const ids = new Set([...document.querySelectorAll('[id]')].map(e => e.id.toLowerCase()));
const local = i => i.src.startsWith('data:') || new URL(i.src).host === location.host;
const imgs = [...document.images].map(i => ({src: i.src.slice(0, 80), local: local(i), ok: i.complete && i.naturalWidth > 0}));
const links = [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'));
const h1 = document.querySelector('h1');
return {title: document.title, h1: h1 ? h1.textContent.replace('¶', '').trim() : '', ids: [...ids], imgs, links};
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', type=Path, help='keep the preview in this folder (default: a temporary one)')
    ap.add_argument('--shots', type=Path, help='save a screenshot of each page here')
    a = ap.parse_args()
    out = a.out or Path(tempfile.mkdtemp(prefix='cifake-docs-'))
    out.mkdir(parents=True, exist_ok=True)
    site = settings()['doc_host'].rstrip('/') + settings()['doc_baseurl'].rstrip('/') + '/'
    passed, failed = 0, []
    def check(what, ok, detail=''):
        nonlocal passed
        print(f"{'ok  ' if ok else 'FAIL'} {what}" + ('' if ok else f': {detail}'), flush=True)
        if ok: passed += 1
        else: failed.append(what)
    pages = build(out)
    sources = list((REPO/'nbs').glob('*.ipynb')) + list((REPO/'nbs').glob('*.md'))     # a page for each
    check(f'preview built: {len(pages)} pages in {out}', len(pages) == len(sources), sorted(pages))
    api = api_entries()
    srv, base = serve(out)
    profile = Path(tempfile.mkdtemp(prefix='chromium-'))
    drv = browser(profile)
    seen = {}
    try:
        for name, (h1, n_img) in pages.items():
            drv.get(base + name)
            info = drv.execute_script(PAGE_JS)
            seen[name] = info
            check(f'{name}: title and heading "{h1}"', info['title'] == h1 and info['h1'] == h1,
                  f"title {info['title']!r}, h1 {info['h1']!r}")
            imgs = [i for i in info['imgs'] if i['local']]          # others (badges) need the network
            bad = [i['src'] for i in imgs if not i['ok']]
            check(f"{name}: {len(imgs)} images shown, none broken (the notebook has {n_img} figure outputs; "
                  f"{len(info['imgs']) - len(imgs)} from elsewhere not loaded)", not bad and len(imgs) >= n_img,
                  f'broken {bad}, {len(imgs)} images')
            missing = [n for n, anchor in api.get(name, []) if anchor.lower() not in info['ids']]
            check(f"{name}: API docs of its {len(api.get(name, []))} exported functions and classes", not missing,
                  f'missing {missing}')
            if a.shots:
                a.shots.mkdir(parents=True, exist_ok=True); drv.save_screenshot(str(a.shots/f'{Path(name).stem}.png'))
        n_ext, broken = 0, []
        for name, info in seen.items():
            for href in info['links']:
                url = urljoin(site + name, href)
                if url.startswith(site):
                    target, _, anchor = url[len(site):].partition('#')
                    target = target or 'index.html'
                    target = page_name(Path(target)) if target.endswith('.ipynb') else target
                    target = target[:-3] + '.html' if target.endswith('.md') else target   # Quarto renders .md
                    if target in seen:
                        if anchor and anchor.lower() not in seen[target]['ids']: broken.append(f'{name} -> {href}')
                    elif not (out/target).is_file(): broken.append(f'{name} -> {href}')
                elif urlparse(url).scheme in ('http', 'https'): n_ext += 1
        check(f'links: none broken within the site ({n_ext} links elsewhere not followed)', not broken, broken[:20])
    finally:
        drv.quit(); srv.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
        if not a.out: shutil.rmtree(out, ignore_errors=True)
    print(f'docs: {passed} passed, {len(failed)} failed', flush=True)
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
