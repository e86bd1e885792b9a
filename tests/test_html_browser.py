"""The HTML reports in a real browser: Debian's chromium driven by Playwright.

The reports are generated from a copy of the shipped edition (and the synthetic
escaping set under tests/sets/html-escaping) and opened from disk. Screenshots
go to tests/artifacts/ (git-ignored) for people and CI to look at.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from collate.cli import cli
from conftest import ROOT, TEST_SETS, WITNESSES

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
WARM_SPRINGS = "1933-11-23-roosevelt-to-litvinov"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")  # not session: a second module's sync_playwright cannot start while this one runs
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reports for a copy of the edition plus the synthetic escaping set, written by `collate run`."""
    root = tmp_path_factory.mktemp("html")
    sets = root / "witnesses"
    shutil.copytree(WITNESSES, sets)
    shutil.copytree(TEST_SETS / "html-escaping", sets / "html-escaping")
    out = root / "reports"
    result = CliRunner().invoke(cli, ["run", str(sets), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


class Page:
    """A page opened from disk, recording console errors and every request it makes."""

    def __init__(self, browser, path: Path, width: int = 1280, height: int = 900, fragment: str = "") -> None:
        self.url = path.as_uri()
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(self.url + (f"#{fragment}" if fragment else ""), wait_until="load")

    def visible_ids(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "#apparatus li.entry", "els => els.filter(e => e.getClientRects().length > 0).map(e => e.id)"
        )

    def assert_clean(self) -> None:
        assert self.errors == []
        assert self.dialogs == []
        assert self.requests == [self.url], f"requests besides the page itself: {self.requests}"

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def open_page(browser) -> Iterator:
    pages: list[Page] = []

    def opener(path: Path, **kwargs) -> Page:
        page = Page(browser, path, **kwargs)
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.close()


def _json(reports: Path, name: str) -> dict:
    return json.loads((reports / f"{name}.json").read_text(encoding="utf-8"))


def _collated(reports: Path) -> list[str]:
    return [p.stem for p in sorted(reports.glob("*.json")) if _json(reports, p.stem)["variants"]]


def test_every_variant_has_an_entry(reports: Path, open_page) -> None:
    names = _collated(reports)
    assert WARM_SPRINGS in names and len(names) >= 3
    for name in names:
        page = open_page(reports / f"{name}.html")
        assert page.visible_ids() == [v["id"] for v in _json(reports, name)["variants"]]
        page.assert_clean()


def test_filters_hide_and_restore_the_right_entries(reports: Path, open_page) -> None:
    variants = _json(reports, WARM_SPRINGS)["variants"]
    everything = [v["id"] for v in variants]
    page = open_page(reports / f"{WARM_SPRINGS}.html")
    p = page.page
    shown = p.locator("#shown")
    # substantive off, by keyboard: Tab to the box and press Space
    box = p.locator('input[data-group="kind"][value="sub"]')
    box.focus()
    p.keyboard.press("Space")
    assert not box.is_checked()
    assert page.visible_ids() == [v["id"] for v in variants if not v["substantive"]]
    assert shown.inner_text() == f"Showing {sum(not v['substantive'] for v in variants)} of {len(variants)} variants"
    # the marks in the text of the hidden variants lose their number
    hidden = next(v["id"] for v in variants if v["substantive"])
    assert not p.locator(f'[id="t-{hidden}"] sup').is_visible()
    p.keyboard.press("Space")
    assert page.visible_ids() == everything
    # a class: entries with no other checked class go, the rest stay
    p.locator('input[data-group="class"][value="case"]').uncheck()
    assert page.visible_ids() == [v["id"] for v in variants if v["classes"] != ["case"]]
    # a status: the reviewed edition has recorded and ignored entries
    statuses = {v["status"] for v in variants}
    assert "recorded" in statuses
    p.locator('input[data-group="status"][value="recorded"]').uncheck()
    assert page.visible_ids() == [v["id"] for v in variants if v["classes"] != ["case"] and v["status"] != "recorded"]
    p.get_by_role("button", name="Show all").click()
    assert page.visible_ids() == everything
    assert shown.inner_text() == f"Showing {len(variants)} of {len(variants)} variants"
    page.assert_clean()


def test_deep_link_scrolls_to_and_highlights_its_variant(reports: Path, open_page) -> None:
    target = _json(reports, WARM_SPRINGS)["variants"][-1]["id"]
    page = open_page(reports / f"{WARM_SPRINGS}.html", height=600, fragment=target)
    entry = page.page.locator(f'[id="{target}"]')
    assert entry.evaluate("e => e.matches(':target')")
    box = entry.bounding_box()
    assert box is not None and 0 <= box["y"] < 600, box  # scrolled into view (it starts far below)
    assert page.page.evaluate("window.scrollY") > 0
    assert entry.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 248, 220)"
    assert entry.evaluate("e => getComputedStyle(e).boxShadow") != "none"
    page.assert_clean()


def test_deep_link_to_a_filtered_variant_shows_it_again(reports: Path, open_page) -> None:
    variants = _json(reports, WARM_SPRINGS)["variants"]
    page = open_page(reports / f"{WARM_SPRINGS}.html")
    page.page.locator('input[data-group="kind"][value="sub"]').uncheck()
    target = next(v["id"] for v in variants if v["substantive"])
    page.page.evaluate("id => { location.hash = id }", target)
    page.page.wait_for_function("id => document.getElementById(id).getClientRects().length > 0", arg=target)
    assert len(page.visible_ids()) == len(variants)
    page.assert_clean()


def test_next_and_previous_variant_by_key_and_button(reports: Path, open_page) -> None:
    variants = _json(reports, WARM_SPRINGS)["variants"]
    page = open_page(reports / f"{WARM_SPRINGS}.html", height=600)
    p = page.page
    p.keyboard.press("j")
    assert p.evaluate("location.hash") == f"#{variants[0]['id']}"
    p.keyboard.press("n")
    assert p.evaluate("location.hash") == f"#{variants[1]['id']}"
    assert p.evaluate("document.activeElement.id") == variants[1]["id"]
    p.keyboard.press("k")
    assert p.evaluate("location.hash") == f"#{variants[0]['id']}"
    # next skips what the filters hide
    p.locator('input[data-group="kind"][value="acc"]').uncheck()
    p.get_by_role("button", name="Next").click()
    following = next(v["id"] for v in variants[1:] if v["substantive"])
    assert p.evaluate("location.hash") == f"#{following}"
    box = p.locator(f'[id="{following}"]').bounding_box()
    assert box is not None and 0 <= box["y"] < 600
    page.assert_clean()


def test_escaped_text_shows_literally_and_runs_nothing(reports: Path, open_page) -> None:
    page = open_page(reports / "html-escaping.html")
    apparatus = page.page.locator("#apparatus").inner_text()
    assert "<script>alert(1)</script>" in apparatus
    assert "Secretary &amp; his staff" in apparatus
    assert page.page.title().startswith('Escaping <b>test</b> & "quotes"')
    assert page.page.locator("script").count() == 2  # the data and the page's own
    page.assert_clean()  # no dialog opened, no error, no request


def test_index_links_every_set(reports: Path, open_page) -> None:
    page = open_page(reports / "index.html")
    hrefs = page.page.eval_on_selector_all("table.sets a", "as => as.map(a => a.getAttribute('href'))")
    assert sorted(hrefs) == sorted(f"{p.stem}.html" for p in reports.glob("*.json"))
    singles = page.page.locator("td.single-note").count()
    assert singles == sum(1 for p in reports.glob("*.json") if _json(reports, p.stem)["summary"]["single_witness"])
    page.page.get_by_role("link", name="Roosevelt to Litvinov, Warm Springs, 23 November 1933").click()
    page.page.wait_for_load_state()
    assert page.page.url.endswith(f"{WARM_SPRINGS}.html")
    assert page.errors == []


def test_screenshots_and_phone_width(reports: Path, open_page) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    desktop = open_page(reports / f"{WARM_SPRINGS}.html", width=1280)
    desktop.page.screenshot(path=str(ARTIFACTS / f"{WARM_SPRINGS}-desktop.png"), full_page=True)
    phone = open_page(reports / f"{WARM_SPRINGS}.html", width=390, height=844)
    phone.page.screenshot(path=str(ARTIFACTS / f"{WARM_SPRINGS}-phone.png"), full_page=True)
    # readable at phone width: nothing wider than the screen, the controls above the text
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    controls = phone.page.locator("aside.controls").bounding_box()
    text = phone.page.locator("#text").bounding_box()
    assert controls and text and controls["y"] < text["y"]
    index = open_page(reports / "index.html", width=1280)
    index.page.screenshot(path=str(ARTIFACTS / "index.png"), full_page=True)
    # print: no controls, the apparatus kept
    desktop.page.emulate_media(media="print")
    assert not desktop.page.locator("aside.controls").is_visible()
    assert desktop.page.locator("#apparatus .app-line").first.is_visible()
    assert not desktop.page.locator("#apparatus .synopsis").first.is_visible()
    desktop.page.pdf(path=str(ARTIFACTS / f"{WARM_SPRINGS}-print.pdf"))
    for page in (desktop, phone, index):
        page.assert_clean()


DARWIN = ROOT / "benchmarks" / "darwin-origin-ch1"


@pytest.mark.slow
def test_a_long_set_renders_within_seconds(browser, tmp_path: Path) -> None:
    """Darwin's chapter in six editions (hundreds of variants): the page loads and filters fast."""
    from collate.engines import ENGINES

    if "anchored" not in ENGINES or not DARWIN.is_dir():
        pytest.skip("the anchored engine or the Darwin benchmark set is not there")
    out = tmp_path / "reports"
    result = CliRunner().invoke(cli, ["run", str(DARWIN), "--engine", "anchored", "--out", str(out)])
    assert result.exit_code == 0, result.output
    variants = _json(out, DARWIN.name)["variants"]
    assert len(variants) > 500
    page = Page(browser, out / f"{DARWIN.name}.html")
    try:
        p = page.page
        loaded = p.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
        assert loaded < 5000, f"load took {loaded:.0f} ms"
        assert p.locator("li.entry").count() == len(variants)
        took = p.evaluate(
            """() => { const t = performance.now();
                       document.querySelector('input[data-group=kind][value=sub]').click();
                       document.body.offsetHeight; return performance.now() - t; }"""
        )
        assert took < 2000, f"filtering took {took:.0f} ms"
        assert p.locator("#shown").inner_text() == f"Showing {sum(not v['substantive'] for v in variants)} of {len(variants)} variants"
        page.assert_clean()
    finally:
        page.close()
