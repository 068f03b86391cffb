"""The static course site: built from executed lessons (fast mode), no broken links, every figure, solutions folded."""

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import build_site  # noqa: E402

pytestmark = pytest.mark.xdist_group("site")
LESSONS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
EXERCISES = sorted(p.stem for p in (ROOT / "solutions").glob("*.ipynb"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_site.py"), "--fast", "--out", str(out)],
                            capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "no broken links, missing images or scripts from the web" in result.stdout
    return out


def test_every_lesson_and_exercise_has_a_page_with_navigation(site):
    names = {p.name for p in site.glob("*.html")}
    assert names == {"index.html", *(f"{s}.html" for s in LESSONS), *(f"{s}_exercises.html" for s in EXERCISES)}
    index = (site / "index.html").read_text()
    for name in names - {"index.html"}:
        assert f'href="{name}"' in index
        page = (site / name).read_text()
        assert page.count('class="cc-nav"') == 1 and 'href="index.html"' in page
    first, last = (site / f"{LESSONS[0]}.html").read_text(), (site / f"{EXERCISES[-1]}_exercises.html").read_text()
    assert "&larr;" not in first.split("</nav>")[0] and "&rarr;" in first.split("</nav>")[0]
    assert "&rarr;" not in last.split("</nav>")[0]


def test_figures_are_pictures_and_widgets_fall_back_to_their_figure(site):
    for stem in LESSONS:
        page = (site / f"{stem}.html").read_text()
        assert "&lt;Figure size" not in page and "<Figure size" not in page, stem
        assert page.count("data:image/png") >= 1, stem
    structure = (site / "02_experiments_reveal_structure.html").read_text()
    assert structure.count("data:image/png") >= 7  # six figures and the widget's posterior
    assert "Interactive in JupyterLab; this is the figure it first showed." in structure
    assert "colab-badge.svg" not in structure and "Open in Colab" in structure  # offline: badges become links
    assert build_site.check_site(site) == []


def _code_cells(page: str) -> list[tuple[str, str]]:
    """(input text, output html) of each code cell of an nbconvert page."""
    cells = []
    for chunk in page.split('class="jp-Cell jp-CodeCell')[1:]:
        source, _, outputs = chunk.partition('class="jp-Cell-outputWrapper')
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", source.partition(">")[2])).split())
        cells.append((text, outputs))
    return cells


@pytest.mark.parametrize("stem", LESSONS)
def test_every_plt_show_figure_is_on_the_page(site, stem):
    cells = _code_cells((site / f"{stem}.html").read_text())
    assert cells, stem
    shown = [(text, outputs) for text, outputs in cells if "plt.show()" in text]
    for text, outputs in shown:
        assert "data:image/png" in outputs, f"{stem}: no figure after a cell that calls plt.show():\n{text[:300]}"


def test_solutions_are_folded_away(site):
    page = (site / "01_seeing_vs_doing_exercises.html").read_text()
    assert page.count("Show a solution") == 4
    outside = re.sub(r"<details class=.cc-solution.>.*?</details>", "", page, flags=re.S)
    assert "raise NotImplementedError" in outside
    assert "coefficients[1]" not in outside and "coefficients[1]" in page  # the backdoor solution, folded only


def test_the_checker_finds_broken_links_and_web_images(tmp_path):
    (tmp_path / "a.html").write_text('<a href="missing.html">x</a><img src="https://example.org/x.png">'
                                     '<img src="gone.png"><img src="data:image/png;base64,AAAA"><a href="a.html#top">y</a>'
                                     '<script src="https://cdn.example.org/x.js"></script><script src="gone.js?x=1"></script>'
                                     '<script src="a.html?config=here"></script>'
                                     '<h2 id="Section-1:-A-story">x</h2><a href="#Section-1:-A-story">ok</a>'
                                     '<a href="a.html#Section-1:-A-story">ok</a><a href="a.html#Section-9">missing</a>')
    problems = build_site.check_site(tmp_path)
    assert any("missing section a.html#Section-9" in p for p in problems)
    assert any("broken link missing.html" in p for p in problems)
    assert any("image loaded from the web" in p for p in problems) and any("missing image gone.png" in p for p in problems)
    assert any("script loaded from the web" in p for p in problems) and any("missing script gone.js" in p for p in problems)
    assert len(problems) == 6


def test_links_between_lessons_reach_their_section(site):
    page = (site / "02_experiments_reveal_structure.html").read_text()
    assert 'href="03_passive_causal_strategies.html#Section-3:-Strategies,-and-an-honest-caveat"' in page
    relative = [link for link in re.findall(r'href="([^"]*)"', page) if not link.startswith("http")]
    assert relative and not any(".ipynb" in link for link in relative), relative


def test_formulas_are_typeset_by_the_local_mathjax(site):
    page = (site / "01_seeing_vs_doing.html").read_text()
    assert 'src="mathjax/MathJax.js?config=' in page and "require.min.js" not in page
    assert not re.search(r'<script[^>]* src="(https?:)?//', page)
    assert (site / "mathjax" / "MathJax.js").exists()
    assert (site / "mathjax" / "config" / "TeX-AMS-MML_HTMLorMML-full.js").exists()


def test_a_lesson_page_in_chromium(site):
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
        page = browser.new_page(viewport={"width": 1200, "height": 1300})
        page.goto((site / "02_experiments_reveal_structure.html").as_uri())
        page.wait_for_selector("nav.cc-nav")
        loaded = page.eval_on_selector_all("img[src^='data:image/png']", "els => els.filter(e => e.naturalWidth > 0).length")
        assert loaded >= 7
        page.screenshot(path=str(shots / "02_top.png"))
        page.get_by_text("Interactive in JupyterLab").first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "02_widget.png"))
        # formulas typeset offline by the site's own MathJax, without errors
        page.goto((site / "01_seeing_vs_doing.html").as_uri())
        page.wait_for_function("() => document.querySelectorAll('.MathJax, .MathJax_Display').length > 5",
                               timeout=60_000)
        assert "Math Processing Error" not in page.inner_text("body")
        raw = page.evaluate("() => [...document.querySelectorAll('.jp-RenderedMarkdown')]"
                            ".map(e => e.innerText).join(' ')")
        assert "\\text{" not in raw and "\\mid" not in raw, raw[:300]  # no LaTeX source left as text
        page.locator(".MathJax_Display").first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "01_formulas.png"))
        page.goto((site / "01_seeing_vs_doing_exercises.html").as_uri())
        page.get_by_text("Show a solution").first.click()
        assert page.locator("details.cc-solution[open]").count() == 1
        page.screenshot(path=str(shots / "01_exercises.png"))
        browser.close()
