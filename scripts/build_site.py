"""Build the static course site: every lesson executed, exercises with their solutions folded away.

    python scripts/build_site.py                  # into build/site (make site does this)
    python scripts/build_site.py --out DIR --fast # CI: shrunk training budgets (CAUSAL_COURSE_FAST=1)
    python scripts/build_site.py --check DIR      # only check an existing site for broken links and images

Each lesson in notebooks/ runs top to bottom on a fresh kernel and becomes an HTML page (nbconvert);
the interactive widgets become the picture they showed, with a note that they are live in
JupyterLab. Each exercise notebook becomes a page with the exercise stubs visible and each
solution folded in a <details> block. Every page has the same navigation bar (course index, previous,
next). Everything is offline: the badges become plain links, no page loads an image or a script from
the web, and formulas are typeset by a copy of MathJax 2.7 inside the site (from the
jupyter-server-mathjax package, in the dev extras).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
BADGES = re.compile(r"<!-- badges -->.*?<!-- /badges -->", re.S)
NAV_STYLE = ("<style>.cc-nav{position:sticky;top:0;z-index:10;background:#0072B2;padding:8px 16px;font:15px sans-serif}"
             ".cc-nav a{color:#fff;margin-right:18px;text-decoration:none}.cc-nav a:hover{text-decoration:underline}"
             "details.cc-solution{margin:4px 0 12px 0;padding:6px 10px;border:1px solid #ccc;border-radius:4px}"
             ".cc-static{color:#555;font-style:italic;font-size:90%}</style>")


MATHJAX_DIR = "mathjax"
MATHJAX_URL = f"{MATHJAX_DIR}/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
# The widgets are pictures on the site, so the require.js that nbconvert adds for live widgets is not needed.
REQUIRE_JS = re.compile(r'<script src="https://[^"]*require(?:\.min)?\.js"[^>]*>\s*</script>')


def copy_mathjax(out: Path) -> Path:
    """Copy MathJax 2.7 (English only) into the site, so formulas render offline."""
    try:
        import jupyter_server_mathjax
    except ImportError:
        raise SystemExit("The site typesets formulas with a local MathJax: pip install jupyter-server-mathjax "
                         "(it is in the dev extras: pip install -e '.[dev]').") from None
    source = Path(jupyter_server_mathjax.__file__).parent / "static"
    if not (source / "MathJax.js").exists():
        raise SystemExit(f"jupyter-server-mathjax has no MathJax.js in {source}: reinstall it.")
    target = out / MATHJAX_DIR
    if target.exists():
        shutil.rmtree(target)
    other_languages = [p.name for p in (source / "localization").iterdir() if p.name != "en"]
    shutil.copytree(source, target, ignore=lambda folder, names: other_languages if folder.endswith("localization")
                    else [])
    return target


def _title(notebook) -> str:
    first = notebook.cells[0].source.splitlines()[0] if notebook.cells else ""
    return first.lstrip("# ").strip() or "causal_course"


def _plain_links(source: str) -> str:
    """Badges load images from the web; on the offline site they become plain links."""
    def replace(match):
        colab = re.search(r"\((https://colab\.research\.google\.com/github/[^)]+)\)", match.group(0))
        binder = re.search(r"\((https://mybinder\.org/v2/[^)]+)\)", match.group(0))
        parts = [f"[Open in Colab]({colab.group(1)})" if colab else "",
                 f"[Launch on Binder]({binder.group(1)})" if binder else ""]
        return " · ".join(p for p in parts if p)
    return BADGES.sub(replace, source)


def _widget_pictures(notebook) -> dict:
    """model id of each displayed widget -> the <img> tags its HTML descendants showed when it was saved."""
    state = notebook.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})

    def pictures(model_id, seen):
        if model_id in seen or model_id not in state:
            return []
        seen.add(model_id)
        model = state[model_id].get("state", {})
        found = re.findall(r"<img [^>]*>", model.get("value", "")) if isinstance(model.get("value"), str) else []
        for child in model.get("children", []):
            found += pictures(str(child).replace("IPY_MODEL_", ""), seen)
        return found

    return {model_id: pictures(model_id, set()) for model_id in state}


def _static_widgets(notebook) -> None:
    pictures = _widget_pictures(notebook)
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            view = data.get("application/vnd.jupyter.widget-view+json")
            if view:
                images = pictures.get(view.get("model_id"), [])
                note = ("<p class='cc-static'>Interactive in JupyterLab; this is the figure it first showed.</p>"
                        if images else "<p class='cc-static'>Interactive demo: run this notebook in JupyterLab.</p>")
                output["data"] = {"text/html": "".join(images) + note}


def _navigation(pages: list, index: int) -> str:
    links = ['<a href="index.html">causal_course</a>']
    if index > 0:
        links.append(f'<a href="{pages[index - 1][0]}">&larr; {html.escape(pages[index - 1][1])}</a>')
    if index < len(pages) - 1:
        links.append(f'<a href="{pages[index + 1][0]}">{html.escape(pages[index + 1][1])} &rarr;</a>')
    return NAV_STYLE + '<nav class="cc-nav">' + "".join(links) + "</nav>"


def _exercise_notebook(solution_path: Path):
    """The exercise twin of a solution, with each solution folded under its stub."""
    import nbformat

    from causal_course.authoring.exercises import make_exercise_notebook

    solution = nbformat.read(solution_path, as_version=4)
    exercise = nbformat.from_dict(make_exercise_notebook(json.loads(nbformat.writes(solution))))
    cells = []
    for solved, stub in zip(solution.cells, exercise.cells):
        cells.append(stub)
        if solved.source != stub.source and solved.cell_type == "code":
            cells.append(nbformat.v4.new_markdown_cell(
                "<details class='cc-solution'><summary>Show a solution</summary><pre><code>"
                + html.escape(solved.source) + "</code></pre></details>"))
    exercise.cells = cells
    return exercise


def build(out: Path, fast: bool) -> list[Path]:
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    if fast:
        os.environ["CAUSAL_COURSE_FAST"] = "1"
    # The kernels draw with the inline backend, as in JupyterLab: with MPLBACKEND=Agg inherited (the test suite
    # sets it), every plt.show() figure would silently be missing from the site.
    os.environ.pop("MPLBACKEND", None)
    out.mkdir(parents=True, exist_ok=True)
    lessons = sorted((ROOT / "notebooks").glob("*.ipynb"))
    solved = {p.stem: p for p in sorted((ROOT / "solutions").glob("*.ipynb"))}
    pages = []  # (file name, title, notebook)
    for path in lessons:
        notebook = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        NotebookClient(notebook, timeout=600, kernel_name="python3", store_widget_state=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute(stderr=subprocess.DEVNULL)
        print(f"executed {path.name} in {time.perf_counter() - start:.1f} s", flush=True)
        _static_widgets(notebook)
        pages.append((f"{path.stem}.html", _title(notebook), notebook))
        if path.stem in solved:
            exercise = _exercise_notebook(solved[path.stem])
            pages.append((f"{path.stem}_exercises.html", f"Exercises {path.stem[:2]}", exercise))
    copy_mathjax(out)
    exporter = HTMLExporter(template_name="lab", mathjax_url=MATHJAX_URL)
    written = []
    for index, (name, title, notebook) in enumerate(pages):
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                cell.source = _plain_links(cell.source)
                # links between notebooks point at their pages on the site; exercises and solutions share a page
                cell.source = re.sub(r"\((?:\.\./)?(?:exercises|solutions)/(\d\d_[\w]+)\.ipynb(#[^)\s]*)?\)",
                                     r"(\1_exercises.html\2)", cell.source)
                cell.source = re.sub(r"\((?:\.\./)?(?:notebooks/)?(\d\d_[\w]+)\.ipynb(#[^)\s]*)?\)", r"(\1.html\2)",
                                     cell.source)
        body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
        body = REQUIRE_JS.sub("", body)
        body = body.replace("<body", "<body data-cc-page", 1)
        body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + _navigation([(n, t) for n, t, _ in pages], index), body,
                      count=1)
        (out / name).write_text(body, encoding="utf-8")
        written.append(out / name)
    items = "".join(f'<li><a href="{name}">{html.escape(title)}</a></li>' for name, title, _ in pages)
    (out / "index.html").write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>causal_course</title>" + NAV_STYLE + "</head><body>"
        + '<nav class="cc-nav"><a href="index.html">causal_course</a></nav>'
        + "<main style='font:16px sans-serif;max-width:800px;margin:24px auto'><h1>causal_course</h1>"
        + "<p>How learners (people, agents, language models) acquire causal knowledge and causal strategies. "
        + "Each lesson was run top to bottom to make these pages; open the notebooks in JupyterLab for the live "
        + "widgets.</p><ol>" + items + "</ol></main></body></html>", encoding="utf-8")
    return [out / "index.html", *written]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.images, self.scripts, self.ids = [], [], [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(unquote(attrs["id"]))  # nbconvert writes heading ids percent-encoded
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs.get("src") or "")
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])


def check_site(out: Path) -> list[str]:
    """Broken relative links, missing images or scripts, and images or scripts loaded from the web, page by page."""
    problems = []
    pages = sorted(out.glob("*.html"))
    if not pages:
        return [f"no pages in {out}"]
    parsed = {}
    for page in pages:
        parsed[page.name] = _Links()
        parsed[page.name].feed(page.read_text(encoding="utf-8"))
    for page in pages:
        parser = parsed[page.name]
        for link in parser.links:
            if link.startswith(("http://", "https://", "mailto:")):
                continue
            target, _, fragment = link.partition("#")
            target = target or page.name
            if not (out / target).exists():
                problems.append(f"{page.name}: broken link {link}")
            elif fragment not in ("", "top") and target in parsed and unquote(fragment) not in parsed[target].ids:
                problems.append(f"{page.name}: link to a missing section {link}")
        for src in parser.images:
            if src.startswith("data:image/"):
                continue
            if src.startswith(("http://", "https://")):
                problems.append(f"{page.name}: image loaded from the web {src[:80]}")
            elif not (out / src).exists():
                problems.append(f"{page.name}: missing image {src[:80]}")
        for src in parser.scripts:
            if src.startswith(("http://", "https://", "//")):
                problems.append(f"{page.name}: script loaded from the web {src[:80]}")
            elif not (out / src.split("?")[0]).exists():
                problems.append(f"{page.name}: missing script {src[:80]}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "build" / "site"))
    parser.add_argument("--fast", action="store_true", help="shrink training budgets (CAUSAL_COURSE_FAST=1)")
    parser.add_argument("--check", metavar="DIR", help="only check an existing site")
    args = parser.parse_args()
    out = Path(args.check or args.out)
    if not args.check:
        start = time.perf_counter()
        pages = build(out, args.fast)
        print(f"built {len(pages)} pages in {out} in {time.perf_counter() - start:.0f} s")
    problems = check_site(out)
    for problem in problems:
        print(problem, file=sys.stderr)
    verdict = "no broken links, missing images or scripts from the web" if not problems else f"{len(problems)} problem(s)"
    print("site check: " + verdict)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
