"""``collate review`` over HTTP: a real subprocess on 127.0.0.1, talked to with httpx.

The sets are a scratch copy of the shipped edition; the variants and entries are
real (the Warm Springs letter: FRUS against APP). Hand edits made below to the
copy's apparatus.toml stand for an editor's text editor or a ``git pull``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from collate.apparatus import read_apparatus
from review_server import ReviewServer, variant_id

WARM_SPRINGS = "1933-11-23-roosevelt-to-litvinov"
DEAR = variant_id(WARM_SPRINGS, {"FRUS": "Dear", "APP": "dear"})  # the salutation: ignored, with a note
TO_KALININ = variant_id(WARM_SPRINGS, {"FRUS": "to", "APP": ""})  # APP omits "to": recorded, with a note
POLICY_COMMENT = "# Editorial policy for this edition: substantive variants are recorded, with a note;"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ReviewServer]:
    running = ReviewServer(tmp_path)
    yield running
    running.stop()


@pytest.fixture
def api(server: ReviewServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base, headers={"X-Collate-Token": server.token}, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ReviewServer, httpx.Client]]:
    """One server for the tests that must change nothing (each checks that they did not)."""
    running = ReviewServer(tmp_path_factory.mktemp("review"))
    with httpx.Client(base_url=running.base, headers={"X-Collate-Token": running.token}, timeout=30) as client:
        yield running, client
    running.stop()


def _put(api: httpx.Client, vid: str, body: object, **headers: str) -> httpx.Response:
    return api.put(f"/api/sets/{WARM_SPRINGS}/variants/{vid}", json=body, headers=headers)


def _entry(server: ReviewServer, vid: str) -> dict:
    return tomllib.loads(server.apparatus(WARM_SPRINGS).read_text(encoding="utf-8"))["variants"][vid]


def test_the_url_line_and_every_refusal(server: ReviewServer) -> None:
    assert server.url == f"http://127.0.0.1:{server.port}/?token={server.token}"
    assert len(server.token) >= 40
    with httpx.Client(base_url=server.base, timeout=30) as plain:
        # pages: no token, a wrong token, a token from the cookie of another run
        assert plain.get("/").status_code == 401
        assert plain.get(f"/{WARM_SPRINGS}.html").status_code == 401
        assert plain.get("/?token=not-the-token").status_code == 403
        assert plain.get("/", headers={"Cookie": f"collate-review-{server.port}=old"}).status_code == 403
        # the API: the token only in the header, never from the query or a cookie
        refused = plain.get("/api/sets")
        assert refused.status_code == 401 and "X-Collate-Token" in refused.json()["error"]
        assert plain.get(f"/api/sets?token={server.token}").status_code == 401
        assert plain.get("/api/sets", headers={"X-Collate-Token": "x" * 43}).status_code == 403
        good = {"X-Collate-Token": server.token}
        # DNS rebinding: the right token under a foreign Host is refused
        assert plain.get("/api/sets", headers={**good, "Host": f"evil.example:{server.port}"}).status_code == 403
        assert plain.get("/", headers={"Host": "evil.example"}).status_code == 403
        # a foreign page (or a sandboxed one, Origin: null) is refused even with the token
        for origin in ("http://evil.example", "null", f"http://127.0.0.1:{server.port + 1}"):
            answer = plain.put(f"/api/sets/{WARM_SPRINGS}/variants/{DEAR}", json={"status": "error"},
                               headers={**good, "Origin": origin})
            assert answer.status_code == 403 and "Origin" in answer.json()["error"], origin
        assert _entry(server, DEAR)["status"] == "ignored"
        # same origin (by either name) is fine
        for origin in (server.base, f"http://localhost:{server.port}"):
            assert plain.get("/api/sets", headers={**good, "Origin": origin}).status_code == 200
        # the page's token: a cookie kept to this server, then the address without the token
        opened = plain.get(f"/?token={server.token}")
        assert opened.status_code == 303 and opened.headers["location"] == "/"
        cookie = opened.headers["set-cookie"]
        assert cookie.startswith(f"collate-review-{server.port}={server.token};")
        assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
        page = plain.get("/")
        assert page.status_code == 200 and "Collation reports" in page.text
        for answer in (page, refused):
            assert answer.headers["referrer-policy"] == "no-referrer"
            assert answer.headers["cache-control"] == "no-store"
            assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


def test_the_api_lists_sets_and_variants(api: httpx.Client) -> None:
    sets = {s["name"]: s for s in api.get("/api/sets").json()["sets"]}
    assert len(sets) == 3
    assert sets[WARM_SPRINGS]["witnesses"] == ["FRUS", "APP"]
    assert sets[WARM_SPRINGS]["apparatus"].endswith(f"witnesses/{WARM_SPRINGS}/apparatus.toml")
    assert sets["1933-10-17-kalinin-to-roosevelt"]["apparatus"] is None  # one witness: nothing to decide
    one = api.get(f"/api/sets/{WARM_SPRINGS}").json()
    assert one["statuses"] == ["unreviewed", "recorded", "ignored", "error"]
    by_id = {v["id"]: v for v in one["variants"]}
    assert by_id[TO_KALININ]["readings"] == {"FRUS": "to", "APP": ""}
    assert by_id[TO_KALININ]["status"] == "recorded" and by_id[TO_KALININ]["kind"] == "omission"
    assert by_id[DEAR]["classes"] == ["case"] and by_id[DEAR]["status"] == "ignored"


def test_a_put_is_written_into_the_file_and_keeps_its_comments(server: ReviewServer, api: httpx.Client) -> None:
    path = server.apparatus(WARM_SPRINGS)
    before = path.read_text(encoding="utf-8")
    answer = _put(api, DEAR, {"status": "recorded", "note": "Kept: “My Dear” against “My dear”.\nSecond line."})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "recorded" and body["written"] and not body["merged"]
    after = path.read_text(encoding="utf-8")
    assert POLICY_COMMENT in after
    assert _entry(server, DEAR)["note"] == "Kept: “My Dear” against “My dear”.\nSecond line."
    # only the two lines of that entry changed
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [('status = "ignored"', 'status = "recorded"'),
                       ('note = "Capitalisation of the salutation (“My Dear” in FRUS, “My dear” in APP)."',
                        'note = "Kept: “My Dear” against “My dear”.\\nSecond line."')]
    assert read_apparatus(path).entries[DEAR].status == "recorded"  # collate's own reader agrees
    # the same decision again writes nothing; the API shows it
    assert _put(api, DEAR, {"status": "recorded"}).json()["written"] is False
    assert api.get(f"/api/sets/{WARM_SPRINGS}/variants/{DEAR}").json()["status"] == "recorded"
    # no report was written anywhere
    assert not list(server.sets.parent.glob("**/*.html"))


def test_a_hand_edit_of_another_entry_is_merged_not_lost(server: ReviewServer, api: httpx.Client) -> None:
    path = server.apparatus(WARM_SPRINGS)
    version = api.get(f"/api/sets/{WARM_SPRINGS}/variants/{DEAR}").json()["version"]
    # meanwhile, in a text editor: another entry's note, and a new comment
    text = path.read_text(encoding="utf-8")
    text = text.replace('note = "APP omits', '# checked against the carbon copy\nnote = "Hand edit: APP omits', 1)
    path.write_text(text, encoding="utf-8")
    answer = _put(api, DEAR, {"status": "error"}, **{"If-Match": f'"{version}"'})
    assert answer.status_code == 200, answer.text
    assert answer.json()["merged"] is True
    after = path.read_text(encoding="utf-8")
    assert "# checked against the carbon copy\n" in after and POLICY_COMMENT in after
    assert _entry(server, TO_KALININ)["note"].startswith("Hand edit: APP omits")
    assert _entry(server, DEAR)["status"] == "error"


def test_a_hand_edit_of_the_same_entry_is_a_409_and_stays(server: ReviewServer, api: httpx.Client) -> None:
    path = server.apparatus(WARM_SPRINGS)
    shown = api.get(f"/api/sets/{WARM_SPRINGS}").json()  # what the page was made from
    version = next(v["version"] for v in shown["variants"] if v["id"] == DEAR)
    text = path.read_text(encoding="utf-8").replace('"Capitalisation of the salutation', '"By hand: capitalisation', 1)
    path.write_text(text, encoding="utf-8")
    # a client that sends no version decided on what the server last read: refused
    answer = _put(api, DEAR, {"note": "from the server"})
    assert answer.status_code == 409
    body = answer.json()
    assert "changed" in body["error"] and body["current"][DEAR]["note"].startswith("By hand: capitalisation")
    assert path.read_text(encoding="utf-8") == text
    # the server has read the file again since (the GET below); the page's old version is still refused
    api.get(f"/api/sets/{WARM_SPRINGS}")
    assert _put(api, DEAR, {"status": "recorded"}, **{"If-Match": f'"{version}"'}).status_code == 409
    assert path.read_text(encoding="utf-8") == text
    # decided again on what is there now: written
    fresh = api.get(f"/api/sets/{WARM_SPRINGS}/variants/{DEAR}").json()["version"]
    assert _put(api, DEAR, {"status": "recorded"}, **{"If-Match": f'"{fresh}"'}).status_code == 200
    entry = _entry(server, DEAR)
    assert entry["status"] == "recorded"
    assert entry["note"] == "By hand: capitalisation (“My Dear” in FRUS, “My dear” in APP)."


def test_a_malformed_file_on_disk_is_a_409_and_is_not_rewritten(server: ReviewServer, api: httpx.Client) -> None:
    path = server.apparatus(WARM_SPRINGS)
    broken = path.read_text(encoding="utf-8").replace('status = "recorded"', 'status = "recorded', 1)
    path.write_text(broken, encoding="utf-8")
    answer = _put(api, DEAR, {"status": "error"})
    assert answer.status_code == 409
    assert f"{WARM_SPRINGS}/apparatus.toml:" in answer.json()["error"] and "invalid TOML" in answer.json()["error"]
    assert path.read_text(encoding="utf-8") == broken


def test_a_batch_writes_all_or_nothing(server: ReviewServer, api: httpx.Client) -> None:
    variants = api.get(f"/api/sets/{WARM_SPRINGS}").json()["variants"]
    ids = [v["id"] for v in variants]
    versions = {v["id"]: v["version"] for v in variants}
    batch = f"/api/sets/{WARM_SPRINGS}/batch"
    # one entry edited by hand meanwhile: nothing is written
    path = server.apparatus(WARM_SPRINGS)
    text = path.read_text(encoding="utf-8")
    at = text.index(f"[variants.{DEAR}]")
    text = text[:at] + text[at:].replace('status = "ignored"', 'status = "error"', 1)
    path.write_text(text, encoding="utf-8")
    refused = api.post(batch, json={"ids": ids, "status": "recorded", "versions": versions})
    assert refused.status_code == 409 and list(refused.json()["current"]) == [DEAR]
    assert path.read_text(encoding="utf-8") == text
    # without the edited one: every other entry written at once
    rest = [i for i in ids if i != DEAR]
    answer = api.post(batch, json={"ids": rest, "status": "recorded", "versions": versions})
    assert answer.status_code == 200, answer.text
    assert [v["id"] for v in answer.json()["variants"]] == rest
    entries = read_apparatus(path).entries
    assert entries[DEAR].status == "error" and all(entries[i].status == "recorded" for i in rest)
    assert POLICY_COMMENT in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status"),
    [
        ("PUT", f"/api/sets/no-such-set/variants/{DEAR}", {"json": {"status": "recorded"}}, 404),
        ("PUT", f"/api/sets/{WARM_SPRINGS}/variants/0123456789", {"json": {"status": "recorded"}}, 404),
        ("PUT", f"/api/sets/{WARM_SPRINGS}/variants/{DEAR}", {"json": {"status": "done"}}, 400),
        ("PUT", f"/api/sets/{WARM_SPRINGS}/variants/{DEAR}", {"json": {"status": 1}}, 400),
        ("PUT", f"/api/sets/{WARM_SPRINGS}/variants/{DEAR}", {"json": {"note": ["a"]}}, 400),
        ("PUT", f"/api/sets/{WARM_SPRINGS}/variants/{DEAR}", {"json": {"stale": True}}, 400),
        ("PUT", f"/api/sets/{WARM_SPRINGS}/variants/{DEAR}", {"json": {}}, 400),
        ("PUT", f"/api/sets/{WARM_SPRINGS}/variants/{DEAR}", {"json": ["recorded"]}, 400),
        ("PUT", f"/api/sets/{WARM_SPRINGS}/variants/{DEAR}",
         {"content": b'{"status": "recorded"', "headers": {"Content-Type": "application/json"}}, 400),
        ("PUT", f"/api/sets/{WARM_SPRINGS}/variants/{DEAR}",
         {"content": b"\xff\xfe", "headers": {"Content-Type": "application/json"}}, 400),
        ("PUT", f"/api/sets/{WARM_SPRINGS}/variants/{DEAR}",
         {"content": b"status=recorded", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 415),
        ("PUT", f"/api/sets/{WARM_SPRINGS}/variants/{DEAR}", {"json": {"note": "x" * 10_001}}, 413),
        ("PUT", f"/api/sets/{WARM_SPRINGS}/variants/{DEAR}", {"json": {"note": "y" * 70_000}}, 413),
        ("PUT", f"/api/sets/{WARM_SPRINGS}/variants/{DEAR}", {"json": {"note": "a\x00b"}}, 400),
        ("PUT", f"/api/sets/1933-10-17-kalinin-to-roosevelt/variants/{DEAR}", {"json": {"status": "recorded"}}, 400),
        ("DELETE", f"/api/sets/{WARM_SPRINGS}/variants/{DEAR}", {}, 405),
        ("POST", f"/api/sets/{WARM_SPRINGS}", {"json": {}}, 405),
        ("GET", "/api/nothing-here", {}, 404),
        ("POST", f"/api/sets/{WARM_SPRINGS}/batch", {"json": {"ids": [], "status": "recorded"}}, 400),
        ("POST", f"/api/sets/{WARM_SPRINGS}/batch", {"json": {"ids": [DEAR, DEAR], "status": "recorded"}}, 400),
        ("POST", f"/api/sets/{WARM_SPRINGS}/batch", {"json": {"ids": [DEAR], "status": "nope"}}, 400),
    ],
)
def test_bad_requests_get_a_clear_json_error_and_change_nothing(
    shared: tuple[ReviewServer, httpx.Client], method: str, url: str, kwargs: dict, status: int
) -> None:
    server, api = shared
    path = server.apparatus(WARM_SPRINGS)
    before = path.read_bytes()
    answer = api.request(method, url, **kwargs)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    message = answer.json()["error"]
    assert message and "Traceback" not in message
    assert path.read_bytes() == before


def test_ctrl_c_stops_it_cleanly(server: ReviewServer, api: httpx.Client) -> None:
    assert api.get("/api/sets").status_code == 200
    assert server.stop() == 130
    assert server.stderr.strip().splitlines()[-1] == "collate review: stopped"
    assert "Traceback" not in server.stderr


def test_sigterm_stops_it_cleanly_too(server: ReviewServer, api: httpx.Client) -> None:
    """``kill`` or a service manager: the same clean stop, exit 143 (128 + SIGTERM), one line."""
    import signal

    assert api.get("/api/sets").status_code == 200
    assert server.stop(signal.SIGTERM) == 143
    assert server.stderr.strip().splitlines()[-1] == "collate review: stopped (SIGTERM)"
    assert "Traceback" not in server.stderr


def test_a_port_in_use_is_one_line_and_exit_2(edition_copy: Path) -> None:
    import socket

    from click.testing import CliRunner

    from collate.cli import cli

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["review", str(edition_copy), "--port", str(port), "--no-browser"])
    assert result.exit_code == 2
    assert result.output == f"cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_the_server_listens_on_loopback_only() -> None:
    from collate.server import bind

    sock = bind(0)
    try:
        assert sock.getsockname()[0] == "127.0.0.1" and sock.getsockname()[1] > 0
    finally:
        sock.close()
