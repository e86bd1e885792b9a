"""``collate review`` in a real browser: Debian's chromium, driven by Playwright.

A real ``collate review`` subprocess serves a scratch copy of the shipped
edition; the test decides on the Warm Springs letter's real variants in the
page and reads what reached ``apparatus.toml``.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from collate.cli import cli
from conftest import TEST_SETS
from review_server import ReviewServer, variant_id
from test_html_browser import ARGS, CHROMIUM

pytestmark = pytest.mark.browser

WARM_SPRINGS = "1933-11-23-roosevelt-to-litvinov"
KALININ = "1933-10-10-roosevelt-to-kalinin"
DEAR = variant_id(WARM_SPRINGS, {"FRUS": "Dear", "APP": "dear"})  # the salutation: ignored, with a note
TO_KALININ = variant_id(WARM_SPRINGS, {"FRUS": "to", "APP": ""})  # APP omits "to": recorded
#: three editions of Darwin's first paragraph (tests/sets): the page has a filter by witness
DARWIN = "darwin-three-editions"
POLICY_COMMENT = "# Editorial policy for this edition: substantive variants are recorded, with a note;"


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ReviewServer]:
    running = ReviewServer(tmp_path)
    yield running
    running.stop()


class Session:
    """A browser context that opened the printed address, recording errors, dialogs and requests."""

    def __init__(self, browser, server: ReviewServer) -> None:
        self.server = server
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.accept = True
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)
        self.page.goto(server.url, wait_until="load")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.accept() if self.accept else dialog.dismiss()

    def open_set(self, name: str) -> None:
        self.page.click(f"a[href='{name}.html']")
        self.page.wait_for_selector("form.decide")

    def entry(self, vid: str):
        return self.page.locator(f"li.entry[id='{vid}']")

    def saved(self, vid: str, text: str = "saved") -> None:
        self.page.wait_for_function(
            "([id, text]) => document.getElementById(id).querySelector('.saved').textContent === text",
            arg=[vid, text])

    def assert_clean(self, refused: tuple[int, ...] = ()) -> None:
        """No script error, no request but to the server; ``refused``: statuses the test caused."""
        expected = tuple(f"the server responded with a status of {status} " for status in refused)
        assert [e for e in self.errors if not any(x in e for x in expected)] == []
        foreign = [u for u in self.requests if not u.startswith(self.server.base + "/")]
        assert foreign == [], f"requests to anywhere but the server: {foreign}"
        assert not any("token=" in u for u in self.requests[1:]), "the token went into a later address"

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(browser, server: ReviewServer) -> Iterator[Session]:
    opened = Session(browser, server)
    yield opened
    opened.close()


def _entries(server: ReviewServer, name: str = WARM_SPRINGS) -> dict:
    return tomllib.loads(server.apparatus(name).read_text(encoding="utf-8"))["variants"]


def test_set_a_status_and_a_note_reload_and_see_them(session: Session, server: ReviewServer) -> None:
    page = session.page
    assert page.url == server.base + "/"  # the token is out of the address bar
    session.open_set(WARM_SPRINGS)
    entry = session.entry(DEAR)
    assert entry.locator("input[value=ignored]").is_checked()
    entry.locator("input[value=recorded]").check()
    session.saved(DEAR)
    assert "st-recorded" in entry.get_attribute("class")
    assert entry.locator(".meta .status").inner_text() == "recorded"
    note = "Recorded in the browser: “My Dear” / “My dear”."
    entry.locator("button.edit-note").click()
    entry.locator("textarea").fill(note)
    assert entry.locator(".saved").inner_text() == "note not saved yet"
    entry.locator("button.save-note").click()
    session.saved(DEAR)
    assert entry.locator("p.note").inner_text() == f"Note: {note}"
    page.reload()
    page.wait_for_selector("form.decide")
    entry = session.entry(DEAR)
    assert entry.locator("input[value=recorded]").is_checked()
    assert entry.locator("textarea").input_value() == note
    assert "st-recorded" in entry.get_attribute("class")
    # on disk: the decision, and the file's comments and other entries as they were
    text = server.apparatus(WARM_SPRINGS).read_text(encoding="utf-8")
    assert POLICY_COMMENT in text
    entries = _entries(server)
    assert entries[DEAR]["status"] == "recorded" and entries[DEAR]["note"] == note
    assert entries[TO_KALININ]["note"].startswith("APP omits")
    # the page's own policy and the server's header agree: our scripts, calls to the server only
    policy = page.evaluate("document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
    assert "connect-src 'self'" in policy and "unsafe-eval" not in policy
    assert policy.count("'sha256-") == 2
    session.assert_clean()


def test_status_keys_and_filters_follow_the_change(session: Session, server: ReviewServer) -> None:
    page = session.page
    session.open_set(WARM_SPRINGS)
    assert "u unreviewed" in page.locator(".review-keys").inner_text()
    # only the ignored ones shown; "r" on the current one records it, and the filter hides it
    for box in page.locator("#filters input[data-group=status]").all():
        if box.get_attribute("value") != "ignored":
            box.uncheck()
    shown_before = page.locator("#shown").inner_text()
    page.keyboard.press("j")
    current = page.evaluate("location.hash.slice(1)")
    assert _entries(server)[current]["status"] == "ignored"
    page.keyboard.press("r")
    session.saved(current)
    assert _entries(server)[current]["status"] == "recorded"
    assert session.entry(current).is_hidden()
    assert page.locator("#shown").inner_text() != shown_before
    count = page.locator("#filters input[value=recorded]").locator("xpath=..").locator(".count").inner_text()
    assert int(count) == sum(1 for e in _entries(server).values() if e["status"] == "recorded")
    session.assert_clean()


def test_mark_all_shown_asks_with_the_count_and_writes_them(session: Session, server: ReviewServer) -> None:
    page = session.page
    session.open_set(KALININ)
    # every accidental variant of the Kalinin letter: mark them "error" (after a refusal first)
    page.locator("#filters input[data-group=kind][value=sub]").uncheck()
    shown = page.eval_on_selector_all(
        "#apparatus li.entry", "els => els.filter(e => e.getClientRects().length > 0).map(e => e.id)")
    before = _entries(server, KALININ)
    accidental = [vid for vid in shown if before[vid]["status"] != "error"]
    assert accidental and len(shown) < len(before)
    page.select_option("#batch-status", "error")
    session.accept = False
    page.click("#batch-apply")
    assert session.dialogs == [f"Mark all {len(shown)} shown variant{'' if len(shown) == 1 else 's'} as “error”?"]
    assert _entries(server, KALININ) == before  # declined: nothing written
    session.accept = True
    page.click("#batch-apply")
    page.wait_for_function(
        "ids => ids.every(id => document.getElementById(id).classList.contains('st-error'))", arg=shown)
    after = _entries(server, KALININ)
    assert all(after[vid]["status"] == "error" for vid in shown)
    assert all(after[vid] == before[vid] for vid in before if vid not in shown)
    assert all(after[vid]["note"] == before[vid]["note"] for vid in shown)  # notes kept
    session.assert_clean()


def test_a_hand_edit_meanwhile_is_not_overwritten(session: Session, server: ReviewServer) -> None:
    page = session.page
    session.open_set(WARM_SPRINGS)
    path = server.apparatus(WARM_SPRINGS)
    edited = path.read_text(encoding="utf-8").replace(
        '"Capitalisation of the salutation', '"Edited in a text editor: capitalisation', 1)
    path.write_text(edited, encoding="utf-8")
    session.entry(DEAR).locator("input[value=error]").check()
    banner = page.locator("#review-banner")
    banner.wait_for(state="visible")
    assert "changed in" in banner.inner_text() and "Reload" in banner.inner_text()
    assert path.read_text(encoding="utf-8") == edited
    banner.locator("button").click()
    page.wait_for_selector("form.decide")
    assert session.entry(DEAR).locator("textarea").input_value().startswith("Edited in a text editor")
    # a hand edit of another entry is merged
    edited = path.read_text(encoding="utf-8").replace('note = "APP omits', 'note = "By hand: APP omits', 1)
    path.write_text(edited, encoding="utf-8")
    session.entry(DEAR).locator("input[value=error]").check()
    session.saved(DEAR, "saved (merged with an edit made on disk)")
    entries = _entries(server)
    assert entries[DEAR]["status"] == "error" and entries[TO_KALININ]["note"].startswith("By hand: APP omits")
    session.assert_clean(refused=(409,))


def test_without_the_token_the_page_is_refused(browser, server: ReviewServer) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        for path in ("/", f"/{WARM_SPRINGS}.html", "/api/sets"):
            answer = page.goto(server.base + path)
            assert answer is not None and answer.status == 401, path
        assert "needs the address collate review printed" in page.goto(server.base + "/").text()
        assert page.goto(server.base + "/?token=wrong").status == 403
    finally:
        context.close()


def test_the_note_shows_once_read_or_edited(session: Session, server: ReviewServer) -> None:
    """A note is read (its ids are links) with an "Edit note" button, or edited in the box: never both."""
    page = session.page
    session.open_set(WARM_SPRINGS)
    entry = session.entry(DEAR)
    saved = _entries(server)[DEAR]["note"]

    def visible_notes() -> list[str]:
        return [x.inner_text() if x.evaluate("e => e.tagName") == "P" else x.input_value()
                for x in entry.locator("p.note, textarea").all() if x.is_visible()]

    assert visible_notes() == [f"Note: {saved}"]
    assert entry.locator("button.save-note").is_hidden()
    entry.locator("button.edit-note").click()
    assert visible_notes() == [saved] and entry.locator("button.edit-note").is_hidden()
    # Escape leaves it as saved
    entry.locator("textarea").fill("typed, then abandoned")
    entry.locator("textarea").press("Escape")
    assert visible_notes() == [f"Note: {saved}"]
    assert entry.locator("textarea").input_value() == saved
    # a note naming another variant links to it, as on the offline page
    entry.locator("button.edit-note").click()
    entry.locator("textarea").fill(f"Compare {TO_KALININ}.")
    entry.locator("button.save-note").click()
    session.saved(DEAR)
    assert visible_notes() == [f"Note: Compare {TO_KALININ}."]
    assert entry.locator(f"p.note a[href='#{TO_KALININ}']").inner_text() == TO_KALININ
    page.reload()
    page.wait_for_selector("form.decide")
    entry = session.entry(DEAR)
    assert visible_notes() == [f"Note: Compare {TO_KALININ}."]
    assert entry.locator(f"p.note a[href='#{TO_KALININ}']").count() == 1
    # a status changed while a note is being typed keeps the typing
    entry.locator("button.edit-note").click()
    entry.locator("textarea").fill("half-typed")
    entry.locator("input[value=error]").check()
    session.saved(DEAR)
    assert visible_notes() == ["half-typed"]
    assert _entries(server)[DEAR]["status"] == "error"
    assert _entries(server)[DEAR]["note"] == f"Compare {TO_KALININ}."
    # a note emptied: nothing to read, the box stays open
    entry.locator("textarea").fill("")
    entry.locator("button.save-note").click()
    session.saved(DEAR)
    assert entry.locator("p.note").count() == 0 and visible_notes() == [""]
    assert entry.locator("button.edit-note").is_hidden() and entry.locator("button.save-note").is_visible()
    session.assert_clean()


def _departing(report: dict) -> dict[str, set[str]]:
    """For each witness but the base, the ids of the variants where its reading is not the base's."""
    base = report["base"]
    out: dict[str, set[str]] = {w["siglum"]: set() for w in report["witnesses"] if w["siglum"] != base}
    for v in report["variants"]:
        for siglum, r in v["readings"].items():
            if siglum != base and r["text"] != v["readings"][base]["text"]:
                out[siglum].add(v["id"])
    return out


@pytest.fixture(scope="module")
def darwin_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("darwin-offline")
    result = CliRunner().invoke(cli, ["run", str(TEST_SETS / DARWIN), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _visible(page) -> list[str]:
    return page.eval_on_selector_all(
        "#apparatus li.entry", "els => els.filter(e => e.getClientRects().length > 0).map(e => e.id)")


def _witness_box(page, siglum: str):
    return page.locator("#filters fieldset[data-group=witness] label", has_text=siglum)


def test_offline_page_filters_by_witness(browser, darwin_report: Path) -> None:
    """Three witnesses: a variant shows while a ticked witness departs from the base in it."""


    report = json.loads((darwin_report / f"{DARWIN}.json").read_text(encoding="utf-8"))
    departing = _departing(report)
    every = [v["id"] for v in report["variants"]]
    assert sorted(departing) == ["1866", "1872"] and 0 < len(departing["1866"]) < len(departing["1872"]) < len(every)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto((darwin_report / f"{DARWIN}.html").as_uri(), wait_until="load")
        for siglum, ids in departing.items():
            assert _witness_box(page, siglum).locator(".count").inner_text() == str(len(ids))
        _witness_box(page, "1872").locator("input").uncheck()
        assert _visible(page) == [vid for vid in every if vid in departing["1866"]]
        assert page.locator("#shown").inner_text() == f"Showing {len(departing['1866'])} of {len(every)} variants"
        # next/previous walks only the shown ones
        page.keyboard.press("j")
        assert page.evaluate("location.hash.slice(1)") in departing["1866"]
        _witness_box(page, "1866").locator("input").uncheck()
        assert _visible(page) == []
        _witness_box(page, "1872").locator("input").check()
        assert _visible(page) == [vid for vid in every if vid in departing["1872"]]
        # with another filter: the accidental variants of 1872 only
        page.locator("#filters input[data-group=kind][value=sub]").uncheck()
        accidental = {v["id"] for v in report["variants"] if not v["substantive"]}
        assert _visible(page) == [vid for vid in every if vid in departing["1872"] & accidental]
        page.click("#show-all")
        assert _visible(page) == every
        assert errors == []
    finally:
        page.close()


def test_mark_all_shown_honours_the_witness_filter(browser, tmp_path: Path) -> None:
    """The issue's batch: the variants of one witness, marked in one go, and only those."""


    server = ReviewServer(tmp_path, names=(DARWIN,), source=TEST_SETS)
    try:
        session = Session(browser, server)
        page = session.page
        session.open_set(DARWIN)
        report = json.loads(page.evaluate(
            "([url, token]) => fetch(url, {headers: {'X-Collate-Token': token}}).then(r => r.text())",
            [f"/api/sets/{DARWIN}", server.token]))
        every = [v["id"] for v in report["variants"]]
        base = report["base"]
        departing = [v["id"] for v in report["variants"] if v["readings"]["1866"] != v["readings"][base]]
        _witness_box(page, "1872").locator("input").uncheck()
        assert _visible(page) == departing and 0 < len(departing) < len(every)
        page.select_option("#batch-status", "recorded")
        page.click("#batch-apply")
        assert session.dialogs == [f"Mark all {len(departing)} shown variants as “recorded”?"]
        page.wait_for_function(
            "ids => ids.every(id => document.getElementById(id).classList.contains('st-recorded'))", arg=departing)
        on_disk = tomllib.loads(server.apparatus(DARWIN).read_text(encoding="utf-8"))["variants"]
        assert {vid for vid, e in on_disk.items() if e["status"] == "recorded"} == set(departing)
        count = page.locator("#filters input[value=recorded]").locator("xpath=..").locator(".count").inner_text()
        assert int(count) == len(departing)
        session.assert_clean()
        session.close()
    finally:
        server.stop()
