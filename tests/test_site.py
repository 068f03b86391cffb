"""The static course site (Jupyter Book): built from executed lessons (fast mode), no broken links, nothing from the
web, every figure, solutions folded, sidebar, search, previous/next and launch buttons."""

import html
import json
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from causal_course.lessons import LESSONS as REGISTRY

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import build_site  # noqa: E402
from deployment import project_settings  # noqa: E402

pytestmark = pytest.mark.xdist_group("site")
LESSONS = [entry.slug for entry in REGISTRY]  # the site's order is the lesson registry's
EXERCISES = [entry.slug for entry in REGISTRY if entry.exercises]
# the reading order: each lesson, then its exercises
ORDER = [page for stem in LESSONS for page in
         [f"notebooks/{stem}.html", *([f"exercises/{stem}.html"] if stem in EXERCISES else [])]]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_site.py"), "--fast", "--out", str(out)],
                            capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "site check: no broken links, missing images or scripts, nothing from the web" in result.stdout
    return out


def _text(fragment: str) -> str:
    """The text of an HTML fragment (Pygments splits code into spans: join them without spaces)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def _resolve(name: str, link: str) -> str:
    """The site path that a relative link on page `name` leads to."""
    target = link.partition("#")[0]
    return posixpath.normpath(posixpath.join(posixpath.dirname(name), target)) if target else name


def test_every_lesson_and_exercise_has_a_page_in_the_book(site):
    pages = {p.relative_to(site).as_posix() for p in build_site.site_pages(site)}
    assert pages == {"index.html", "genindex.html", "search.html", *ORDER}
    home = (site / "index.html").read_text()
    repository, version = project_settings()
    for index, name in enumerate(ORDER):
        assert f'href="{name}"' in home, name  # the table of contents of the home page
        page = (site / name).read_text()
        sidebar = page[page.index('<nav class="bd-links bd-docs-nav"'):]
        sidebar = sidebar[:sidebar.index("</nav>")]
        assert {_resolve(name, link) for link in re.findall(r'href="([^"]*)"', sidebar)} == {"index.html", *ORDER}
        assert 'action="../search.html"' in page  # the search box
        previous = re.search(r'<a class="left-prev"\s+href="([^"]+)"', page)
        following = re.search(r'<a class="right-next"\s+href="([^"]+)"', page)
        assert previous and _resolve(name, previous.group(1)) == (ORDER[index - 1] if index else "index.html"), name
        if index == len(ORDER) - 1:
            assert following is None, name
        else:
            assert following and _resolve(name, following.group(1)) == ORDER[index + 1], name
        notebook = name.removesuffix(".html") + ".ipynb"
        assert (f'href="https://mybinder.org/v2/gh/{repository}/v{version}?urlpath=lab/tree/{notebook}"' in page
                and f'href="https://colab.research.google.com/github/{repository}/blob/v{version}/{notebook}"' in page)
        assert "colab-badge.svg" not in page and "badge_logo.svg" not in page  # the launch buttons replace the badges


def _code_cells(page: str) -> list[tuple[str, str]]:
    """(input text, output html) of each code cell of a MyST-NB page."""
    cells = []
    for chunk in page.split('<div class="cell docutils container')[1:]:
        source, _, outputs = chunk.partition('<div class="cell_output')
        cells.append((_text(source.partition(">")[2]), outputs))
    return cells


@pytest.mark.parametrize("stem", LESSONS)
def test_every_figure_of_the_executed_lesson_is_on_the_page(site, stem):
    page = (site / "notebooks" / f"{stem}.html").read_text()
    assert "&lt;Figure size" not in page and "<Figure size" not in page, stem
    cells = _code_cells(page)
    for text, outputs in cells:
        if "plt.show()" in text:
            assert "<img " in outputs, f"{stem}: no figure after a cell that calls plt.show():\n{text[:300]}"
    # every picture the lesson drew when the build ran it (a figure, or a widget's first figure) is on the page
    executed = json.loads((site.parent / f"{site.name}_book" / "_build" / "jupyter_execute" / "notebooks"
                           / f"{stem}.ipynb").read_text())
    code = [cell for cell in executed["cells"] if cell["cell_type"] == "code"]
    assert len(code) == len(cells), stem
    for number, (cell, (text, outputs)) in enumerate(zip(code, cells)):
        drawn = sum("image/png" in output.get("data", {}) for output in cell.get("outputs", []))
        assert outputs.count("<img ") >= drawn, f"{stem}, code cell {number}: {drawn} figure(s) drawn:\n{text[:300]}"


def test_widgets_fall_back_to_their_first_figure(site):
    structure = (site / "notebooks" / "02_experiments_reveal_structure.html").read_text()
    assert structure.count("data:image/png") >= 7  # six figures and the widget's posterior
    assert "Interactive in JupyterLab; this is the figure it first showed." in structure
    for stem in LESSONS:
        page = (site / "notebooks" / f"{stem}.html").read_text()
        assert "widget-view+json" not in page and "widget-state+json" not in page, stem  # no live widget left


def test_the_site_passes_its_own_check(site):
    assert build_site.check_site(site) == []


def test_solutions_are_folded_away(site):
    page = (site / "exercises" / "01_seeing_vs_doing.html").read_text()
    assert page.count("Show a solution") == 4
    folded = re.findall(r"<details class=\"[^\"]*cc-solution[^\"]*\".*?</details>", page, flags=re.S)
    assert len(folded) == 4
    outside = _text(re.sub(r"<details class=\"[^\"]*cc-solution.*?</details>", "", page, flags=re.S))
    assert "raise NotImplementedError" in outside
    assert "coefficients[1]" not in outside and "coefficients[1]" in _text(" ".join(folded))  # the backdoor solution


def test_the_checker_finds_broken_links_and_web_resources(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.html").write_text('<a href="missing.html">x</a><img src="https://example.org/x.png">'
                                     '<img src="gone.png"><img src="data:image/png;base64,AAAA"><a href="a.html#top">y</a>'
                                     '<script src="https://cdn.example.org/x.js"></script><script src="gone.js?x=1"></script>'
                                     '<script src="a.html?config=here"></script>'
                                     '<link rel="stylesheet" href="https://fonts.example.org/f.css">'
                                     '<h2 id="section-1-a-story">x</h2><a href="#section-1-a-story">ok</a>'
                                     '<a href="sub/b.html#here">ok</a><a href="a.html#section-9">missing</a>')
    (tmp_path / "sub" / "b.html").write_text('<p id="here"></p><a href="../a.html#section-1-a-story">ok</a>'
                                             '<a href="b.html">ok</a><a href="../sub/nothing.html">broken</a>')
    (tmp_path / "style.css").write_text("@font-face { src: url('https://fonts.example.org/x.woff2'); }")
    problems = build_site.check_site(tmp_path)
    assert any("a.html: link to a missing section a.html#section-9" in p for p in problems)
    assert any("a.html: broken link missing.html" in p for p in problems)
    assert any("sub/b.html: broken link ../sub/nothing.html" in p for p in problems)
    assert any("image loaded from the web" in p for p in problems) and any("missing image gone.png" in p for p in problems)
    assert any("script loaded from the web" in p for p in problems) and any("missing script gone.js" in p for p in problems)
    assert any("a.html: stylesheet loaded from the web" in p for p in problems)
    assert any("style.css: stylesheet loads from the web" in p for p in problems)
    assert len(problems) == 9, problems


def test_links_between_lessons_reach_their_section(site):
    page = (site / "notebooks" / "02_experiments_reveal_structure.html").read_text()
    assert 'href="03_passive_causal_strategies.html#section-3-strategies-and-an-honest-caveat"' in page
    assert 'href="../exercises/02_experiments_reveal_structure.html"' in page  # "the solutions" too: folded there
    relative = [link for link in re.findall(r'href="([^"]*)"', page) if not link.startswith("http")]
    assert relative and not any(".ipynb" in link and "_sources" not in link for link in relative), relative


def test_formulas_are_typeset_by_the_local_mathjax(site):
    page = (site / "notebooks" / "01_seeing_vs_doing.html").read_text()
    assert 'src="../_static/mathjax/MathJax.js?config=' in page and "require.min.js" not in page
    assert not re.search(r'<(script|link)[^>]* (src|href)="(https?:)?//', page)
    assert (site / "_static" / "mathjax" / "MathJax.js").exists()
    assert (site / "_static" / "mathjax" / "config" / "TeX-AMS-MML_HTMLorMML-full.js").exists()


def test_pages_in_chromium(site):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        from conftest import skip_unless_ci

        skip_unless_ci("Chromium is not installed (`make test` installs it with apt-get as root)")
    from playwright.sync_api import sync_playwright

    shots = ROOT / "build" / "site_screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=flags)
        page = browser.new_page(viewport={"width": 1300, "height": 1100})
        requested = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto((site / "notebooks" / "02_experiments_reveal_structure.html").as_uri())
        page.wait_for_selector("nav.bd-docs-nav")
        loaded = page.eval_on_selector_all("img[src^='data:image/png']", "els => els.filter(e => e.naturalWidth > 0).length")
        assert loaded >= 7
        page.screenshot(path=str(shots / "02_top.png"))
        page.get_by_text("Interactive in JupyterLab").first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "02_widget.png"))
        # formulas typeset offline by the site's own MathJax, without errors
        page.goto((site / "notebooks" / "01_seeing_vs_doing.html").as_uri())
        page.wait_for_function("() => document.querySelectorAll('.MathJax, .MathJax_Display').length > 5",
                               timeout=60_000)
        assert "Math Processing Error" not in page.inner_text("body")
        raw = page.evaluate("() => document.querySelector('article').innerText")
        assert "\\text{" not in raw and "\\mid" not in raw, raw[:300]  # no LaTeX source left as text
        page.locator(".MathJax_Display").first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "01_formulas.png"))
        page.goto((site / "exercises" / "01_seeing_vs_doing.html").as_uri())
        page.get_by_text("Show a solution").first.click()
        assert page.locator("details.cc-solution[open]").count() == 1
        page.screenshot(path=str(shots / "01_exercises.png"))
        # the search page finds a lesson offline
        page.goto((site / "search.html").as_uri() + "?q=confounding")
        page.wait_for_selector("#search-results li", timeout=60_000)
        assert page.locator("#search-results a[href*='01_seeing_vs_doing']").count() >= 1
        page.screenshot(path=str(shots / "search.png"))
        browser.close()
    # nothing but the site's own files (and MathJax's blank font probe) was asked for
    assert [url for url in requested if not url.startswith(("file:", "data:", "about:blank"))] == []
