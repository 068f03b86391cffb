"""Build the static course site with Jupyter Book: every lesson executed, exercises with their solutions folded away.

    python scripts/build_site.py                  # into build/site (make site does this)
    python scripts/build_site.py --out DIR --fast # CI: shrunk training budgets (CAUSAL_COURSE_FAST=1)
    python scripts/build_site.py --check DIR      # only check an existing site for broken links and images

The book's sources are laid out in DIR_book next to DIR, in the repository's own layout so that the Binder and
Colab launch buttons open the right notebook: notebooks/ holds copies of the lessons, exercises/ the exercise
notebooks with each solution folded under its stub, and index.md the home page. Jupyter Book (v1, Sphinx with
MyST-NB and sphinx-book-theme, in the dev extras) then runs each lesson top to bottom on a fresh kernel and
writes the pages, with a sidebar, search and previous/next links. The interactive widgets become the picture
they showed (scripts/site_widgets.py). Everything is offline: no page loads an image, a script, a stylesheet or
a font from the web, and formulas are typeset by a copy of MathJax 2.7 inside the site (from the
jupyter-server-mathjax package, in the dev extras).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from deployment import project_settings  # noqa: E402

BADGES = re.compile(r"<!-- badges -->.*?<!-- /badges -->\s*", re.S)  # the theme's launch buttons replace them
STATIC = "_course_static"  # not _static: Jupyter Book would add every .js file in _static, MathJax's too, to each page
MATHJAX_DIR = "mathjax"  # inside STATIC, so the site's _static/mathjax
MATHJAX_PATH = f"{MATHJAX_DIR}/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
# Jupyter Book's default Sphinx extensions without sphinx_thebe (its script on every page names a thebe bundle on
# the web) and intersphinx (it downloads inventories), and with this site's own (scripts/site_widgets.py)
EXTENSIONS = ["myst_nb", "jupyter_book", "sphinx_external_toc", "sphinx_book_theme", "sphinx_design",
              "sphinx_copybutton", "sphinx_togglebutton", "sphinx_comments", "site_widgets"]
# The local MathJax 2.7 ships only the STIX-Web fonts; Sphinx marks formulas as \(...\) and \[...\]
MATHJAX2_CONFIG = {
    "tex2jax": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]], "processEscapes": True,
                "processEnvironments": True},
    "HTML-CSS": {"availableFonts": [], "preferredFont": None, "webFont": "STIX-Web", "imageFont": None},
    "messageStyle": "none",
}
EXECUTION_TIMEOUT = 1200  # seconds per cell; a fast-mode lesson takes up to about 2 minutes in all
STYLE = """.cc-static { color: #555; font-style: italic; font-size: 90%; }
details.cc-solution { margin-top: 0.2em; }
/* on a wide screen the header would only repeat the sidebar's search box */
@media (min-width: 992px) { #pst-header { display: none; } }
"""
HOME = """# causal_course

How learners (people, agents, language models) acquire causal knowledge and causal strategies.
Each lesson was run top to bottom to make these pages. The widgets are pictures here: open a notebook in
JupyterLab (`causal-course lab`), or with the launch button at the top of its page, to use them live.
The exercise pages show each exercise with its solution folded under it.

```{tableofcontents}
```
"""


def copy_mathjax(static: Path) -> Path:
    """Copy MathJax 2.7 (English only) into the book's _static folder, so formulas render offline."""
    try:
        import jupyter_server_mathjax
    except ImportError:
        raise SystemExit("The site typesets formulas with a local MathJax: pip install jupyter-server-mathjax "
                         "(it is in the dev extras: pip install -e '.[dev]').") from None
    source = Path(jupyter_server_mathjax.__file__).parent / "static"
    if not (source / "MathJax.js").exists():
        raise SystemExit(f"jupyter-server-mathjax has no MathJax.js in {source}: reinstall it.")
    target = static / MATHJAX_DIR
    other_languages = [p.name for p in (source / "localization").iterdir() if p.name != "en"]
    shutil.copytree(source, target, ignore=lambda folder, names: other_languages if folder.endswith("localization")
                    else [])
    return target


def _slug(heading: str) -> str:
    """MyST's anchor of a heading (myst_heading_anchors), as in GitHub's Markdown."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(notebook: dict) -> dict[str, str]:
    """Jupyter's anchor of each heading of a notebook (spaces become hyphens) -> MyST's."""
    anchors = {}
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            for heading in re.findall(r"^#{1,6} +(.+?)\s*$", "".join(cell["source"]), re.M):
                anchors[heading.replace(" ", "-")] = _slug(heading)
    return anchors


def _site_markdown(source: str, anchors: dict[str, dict[str, str]]) -> str:
    """A markdown cell as the book shows it: no badges, solutions links lead to the exercise page (which holds
    the solutions), and links to a section of a lesson use MyST's anchor of that section."""
    source = BADGES.sub("", source)
    source = re.sub(r"\((\.\./)?solutions/(\d\d_\w+\.ipynb)", r"(\1exercises/\2", source)

    def section(match):
        target, anchor = match.group(1), unquote(match.group(2))
        name = target.rsplit("/", 1)[-1].removesuffix(".ipynb")
        if anchor not in anchors.get(name, {}):
            raise SystemExit(f"A notebook links to the missing section {target}#{anchor}: fix the link.")
        return f"({target}#{anchors[name][anchor]})"

    return re.sub(r"\(((?:\.\./)?(?:notebooks/)?\d\d_\w+\.ipynb)#([^)\s]+)\)", section, source)


def _folded_solution(code: str, cell_id: str) -> dict:
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", code)), default=0))
    outer = fence + "`"
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source":
            f"{outer}{{dropdown}} Show a solution\n:class-container: cc-solution\n\n"
            f"{fence}python\n{code}\n{fence}\n{outer}\n"}


def exercise_page(exercise: dict, solution: dict, name: str) -> dict:
    """The exercise notebook, with each solution folded in a dropdown under its stub."""
    if [c["cell_type"] for c in exercise["cells"]] != [c["cell_type"] for c in solution["cells"]]:
        raise SystemExit(f"exercises/{name} and solutions/{name} do not have the same cells: "
                         "regenerate the exercises with `causal-course exercises`.")
    cells = []
    for stub, solved in zip(exercise["cells"], solution["cells"]):
        cells.append(stub)
        if stub["cell_type"] == "code" and "".join(stub["source"]) != "".join(solved["source"]):
            cells.append(_folded_solution("".join(solved["source"]), f"solution-{len(cells)}"))
    return {**exercise, "cells": cells}


def lay_out_book(book: Path, fast: bool) -> None:
    """Write the book's sources (config, table of contents, home page, notebooks) into the folder `book`."""
    import yaml

    repository, version = project_settings()
    if book.exists():
        shutil.rmtree(book)
    (book / "notebooks").mkdir(parents=True)
    (book / "exercises").mkdir()
    from causal_course.lessons import LESSONS  # the lesson registry: which lessons, in which order

    lessons = {entry.slug: json.loads((ROOT / entry.notebook).read_text(encoding="utf-8")) for entry in LESSONS}
    anchors = {name: _anchors(notebook) for name, notebook in lessons.items()}
    chapters = []
    lesson_entry = {entry.slug: entry for entry in LESSONS}.get
    for name, lesson in lessons.items():
        pages = [("notebooks", lesson)]
        solution_path = ROOT / "solutions" / f"{name}.ipynb"
        if lesson_entry(name).exercises:
            exercise = json.loads((ROOT / "exercises" / f"{name}.ipynb").read_text(encoding="utf-8"))
            pages.append(("exercises", exercise_page(exercise, json.loads(solution_path.read_text(encoding="utf-8")),
                                                     f"{name}.ipynb")))
        for folder, notebook in pages:
            for cell in notebook["cells"]:
                if cell["cell_type"] == "markdown":
                    cell["source"] = _site_markdown("".join(cell["source"]), anchors)
            (book / folder / f"{name}.ipynb").write_text(json.dumps(notebook, indent=1), encoding="utf-8")
        chapter = {"file": f"notebooks/{name}"}
        if len(pages) > 1:
            chapter["sections"] = [{"file": f"exercises/{name}"}]
        chapters.append(chapter)
    (book / "index.md").write_text(HOME, encoding="utf-8")
    (book / "_toc.yml").write_text(yaml.safe_dump({"format": "jb-book", "root": "index",
                                                   "parts": [{"caption": "Lessons and exercises",
                                                              "chapters": chapters}]}, sort_keys=False))
    static = book / STATIC
    static.mkdir()
    (static / "course.css").write_text(STYLE, encoding="utf-8")
    copy_mathjax(static)
    config = {
        "title": "causal_course",
        "author": "the causal_course authors",
        "copyright": "",
        "only_build_toc_files": True,
        "exclude_patterns": ["_build", "**.ipynb_checkpoints"],
        "execute": {
            "execute_notebooks": "force",  # every lesson, every build, on a fresh kernel
            "exclude_patterns": ["exercises/*"],  # the stubs raise NotImplementedError by design
            "timeout": EXECUTION_TIMEOUT,
            "allow_errors": False,
            "stderr_output": "remove",  # progress bars and warnings are noise on a page
        },
        "parse": {"myst_enable_extensions": ["colon_fence", "dollarmath", "amsmath"]},
        "repository": {"url": f"https://github.com/{repository}", "branch": f"v{version}", "path_to_book": ""},
        "launch_buttons": {"notebook_interface": "jupyterlab", "binderhub_url": "https://mybinder.org",
                           "colab_url": "https://colab.research.google.com", "thebe": False},
        "html": {"use_repository_button": True, "home_page_in_navbar": True, "use_multitoc_numbering": False,
                 "extra_footer": f"Built {'in fast mode ' if fast else ''}from release v{version}."},
        "sphinx": {
            "local_extensions": {"site_widgets": str(ROOT / "scripts")},
            "config": {
                "extensions": EXTENSIONS,
                "mathjax_path": MATHJAX_PATH,  # a path inside _static: no script from the web
                "mathjax2_config": MATHJAX2_CONFIG,
                "myst_update_mathjax": False,  # MyST's settings are for MathJax 3
                "html_static_path": [STATIC],
                "html_css_files": ["course.css"],
                "nb_ipywidgets_js": {},  # the widgets are pictures (site_widgets): no widget JavaScript
                "html_show_copyright": False,
                "nb_execution_raise_on_error": True,  # a failing cell stops the build, with its traceback
                "nb_execution_show_tb": True,
                "myst_heading_anchors": 3,  # links to a section of another lesson
            },
        },
    }
    (book / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def build(out: Path, fast: bool) -> list[Path]:
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    if not jupyter_book.exists():
        raise SystemExit(f"The site is built with Jupyter Book, and {jupyter_book} is missing: "
                         "pip install -e '.[dev]' (the dev extras have jupyter-book<2).")
    env = dict(os.environ)
    if fast:
        env["CAUSAL_COURSE_FAST"] = "1"
    # The kernels draw with the inline backend, as in JupyterLab: with MPLBACKEND=Agg inherited (the test suite
    # sets it), every plt.show() figure would silently be missing from the site.
    env.pop("MPLBACKEND", None)
    book = out.parent / f"{out.name}_book"
    lay_out_book(book, fast)
    # -W: a warning (a failed cell, a broken cross-reference, an unknown output) fails the build
    command = [str(jupyter_book), "build", str(book), "--builder", "html", "-W", "-n", "--keep-going"]
    print("$ " + " ".join(command), flush=True)
    result = subprocess.run(command, env=env)
    if result.returncode != 0:
        raise SystemExit(f"jupyter-book build failed (exit {result.returncode}): see its messages above; the "
                         f"executed notebooks and their reports are in {book / '_build'}.")
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(book / "_build" / "html", out)
    return site_pages(out)


def site_pages(out: Path) -> list[Path]:
    """The site's pages (not the theme's HTML snippets in _static)."""
    return sorted(p for p in out.glob("**/*.html") if not p.relative_to(out).parts[0].startswith("_"))


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.images, self.scripts, self.styles, self.ids = [], [], [], [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(unquote(attrs["id"]))
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs.get("src") or "")
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        if tag == "link" and attrs.get("href") and set((attrs.get("rel") or "").split()) & {"stylesheet", "preload",
                                                                                             "icon", "modulepreload"}:
            self.styles.append(attrs["href"])


WEB = ("http://", "https://", "//")
CSS_WEB = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])((?:https?:)?//[^'")\s]+)""")


def check_site(out: Path) -> list[str]:
    """Broken relative links, missing images, scripts or stylesheets, and anything loaded from the web."""
    problems = []
    pages = site_pages(out)
    if not pages:
        return [f"no pages in {out}"]
    parsed = {}
    for page in pages:
        parsed[page] = _Links()
        parsed[page].feed(page.read_text(encoding="utf-8"))

    def local(page: Path, url: str) -> Path:
        return (page.parent / unquote(urlsplit(url).path)).resolve() if urlsplit(url).path else page.resolve()

    for page in pages:
        name, parser = page.relative_to(out).as_posix(), parsed[page]
        for link in parser.links:
            if link.startswith((*WEB, "mailto:", "javascript:")):
                continue
            target, fragment = local(page, link), urlsplit(link).fragment
            if not target.exists():
                problems.append(f"{name}: broken link {link}")
            elif fragment not in ("", "top") and target in parsed and unquote(fragment) not in parsed[target].ids:
                problems.append(f"{name}: link to a missing section {link}")
        for kind, sources in (("image", parser.images), ("script", parser.scripts), ("stylesheet", parser.styles)):
            for src in sources:
                if src.startswith("data:"):
                    continue
                if src.startswith(WEB):
                    problems.append(f"{name}: {kind} loaded from the web {src[:80]}")
                elif not local(page, src).exists():
                    problems.append(f"{name}: missing {kind} {src[:80]}")
    for css in sorted(out.glob("**/*.css")):
        for url in CSS_WEB.findall(css.read_text(encoding="utf-8", errors="replace")):
            problems.append(f"{css.relative_to(out).as_posix()}: stylesheet loads from the web {url[:80]}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "build" / "site"))
    parser.add_argument("--fast", action="store_true", help="shrink training budgets (CAUSAL_COURSE_FAST=1)")
    parser.add_argument("--check", metavar="DIR", help="only check an existing site")
    args = parser.parse_args()
    out = Path(args.check or args.out).resolve()
    if not args.check:
        start = time.perf_counter()
        pages = build(out, args.fast)
        print(f"built {len(pages)} pages in {out} in {time.perf_counter() - start:.0f} s")
    problems = check_site(out)
    for problem in problems:
        print(problem, file=sys.stderr)
    verdict = ("no broken links, missing images or scripts, nothing from the web" if not problems
               else f"{len(problems)} problem(s)")
    print("site check: " + verdict)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
