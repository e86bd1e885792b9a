"""collate check where editors' CI already is: SARIF, the pre-commit hook, the GitHub Action.

Every test runs on a scratch copy of the real edition (witnesses/), edited the way
an editor would edit it: a typo keyed into a witness, a variant marked as an error.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from collate.check import CODES
from collate.cli import cli
from collate.reporters import sarif
from conftest import ROOT, WITNESSES

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is a test dependency")
yaml = pytest.importorskip("yaml", reason="PyYAML comes with pre-commit, a test dependency")

LITVINOV = "1933-11-23-roosevelt-to-litvinov"
TO_KALININ = "ac12ea3257"  # APP omits "to" in "convey to President Kalinin"
GOVERNMENTS = "38de5aa7a4"  # FRUS governments / APP Governments (case)
SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
BIN = Path(sys.executable).parent


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def edition(edition_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The copy of witnesses/, with the current folder its parent (so paths read witnesses/...)."""
    monkeypatch.chdir(edition_copy.parent)
    return edition_copy


def _break(edition: Path) -> None:
    """Three problems, one of each code: a typo in a recorded reading (its entry stale, the new
    variant unreviewed), and a variant the editor marked as a transcription error."""
    app = edition / LITVINOV / "app.txt"
    text = app.read_text(encoding="utf-8")
    assert text.count("Governments") == 1
    app.write_text(text.replace("Governments", "Govrnments"), encoding="utf-8")
    apparatus = edition / LITVINOV / "apparatus.toml"
    text = apparatus.read_text(encoding="utf-8")
    at = text.index(f"[variants.{TO_KALININ}]")
    apparatus.write_text(text[:at] + re.sub(r'status = "\w+"', 'status = "error"', text[at:], count=1),
                         encoding="utf-8")


# -- SARIF ------------------------------------------------------------------------------


def _validate(log: dict) -> None:
    jsonschema.Draft4Validator(SCHEMA).validate(log)


def test_sarif_is_valid_and_says_what_the_text_report_says(edition: Path) -> None:
    _break(edition)
    result = run("check", "witnesses", "--format", "sarif")
    assert result.exit_code == 1
    log = json.loads(result.output)
    _validate(log)
    (sarif_run,) = log["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(CODES) == list(sarif.RULES)
    expected = json.loads(run("check", "witnesses", "--format", "json").output)["problems"]
    assert sorted(p["code"] for p in expected) == ["error", "stale", "unreviewed"]
    assert len(sarif_run["results"]) == len(expected)
    for got, want in zip(sarif_run["results"], expected, strict=True):
        assert got["ruleId"] == want["code"] and rules[got["ruleIndex"]]["id"] == want["code"]
        assert got["level"] == "error" and got["message"]["text"] == want["message"]
        (location,) = got["locations"]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == want["file"]
        region = location["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (want["line"], want["column"])
        assert (region.get("endLine"), region.get("endColumn")) == (want["end_line"], want["end_column"])
        assert got["partialFingerprints"] == {"collateVariant/v1": f"{LITVINOV}/{want['variant']}"}
    # the stale entry points into apparatus.toml, the others at the witness text
    by_rule = {r["ruleId"]: r["locations"][0]["physicalLocation"] for r in sarif_run["results"]}
    assert by_rule["stale"]["artifactLocation"]["uri"] == f"witnesses/{LITVINOV}/apparatus.toml"
    assert by_rule["error"]["artifactLocation"]["uri"] == f"witnesses/{LITVINOV}/app.txt"
    assert GOVERNMENTS in next(r["message"]["text"] for r in sarif_run["results"] if r["ruleId"] == "stale")
    # the region of a reading is the reading: "Govrnments" in app.txt
    lines = (edition / LITVINOV / "app.txt").read_text(encoding="utf-8").splitlines()
    region = by_rule["unreviewed"]["region"]
    assert lines[region["startLine"] - 1][region["startColumn"] - 1:region["endColumn"] - 1] == "Govrnments"


def test_sarif_of_a_clean_edition_and_to_a_file(edition: Path, tmp_path: Path) -> None:
    target = tmp_path / "collate.sarif"
    result = run("check", "witnesses", "--format", "sarif", "--output", str(target))
    assert result.exit_code == 0
    assert result.output.startswith("collate check: 13 variants in 8 sets")
    log = json.loads(target.read_text(encoding="utf-8"))
    _validate(log)
    assert log["version"] == "2.1.0" and log["runs"][0]["results"] == []
    broken = json.loads(json.dumps(log))
    broken["runs"][0]["results"] = [{"message": {"text": "x"}, "level": "severe"}]
    with pytest.raises(jsonschema.ValidationError):  # the schema does check what we write
        _validate(broken)


# -- the pre-commit hook ----------------------------------------------------------------


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: the hook's environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args], cwd=cwd,
                          check=True, capture_output=True, text=True)
    return done.stdout


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """collate's tree as the next commit would have it (new files too), committed in a scratch repository.

    ``pre-commit try-repo`` on the working tree itself would see changes to tracked
    files only, not a new ``.pre-commit-hooks.yaml``; on a clean clone the two are the same.
    """
    if not (ROOT / ".git").exists():
        pytest.skip("collate's source is not a git checkout")
    repo = tmp_path_factory.mktemp("collate-hook-repo")
    for name in _git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0"):
        if name and (ROOT / name).is_file() and not name.startswith(("witnesses/", "reports/", "benchmarks/")):
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "collate")
    return repo


def _try_repo(project: Path, repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run([str(BIN / "pre-commit"), "try-repo", str(repo), "collate-check", "--all-files",
                           "--color", "never"], cwd=project, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_pre_commit_hook_through_try_repo(tmp_path: Path, hook_repo: Path, pre_commit_home: Path) -> None:
    # an edition's own repository: one set in witnesses/, committed
    project = tmp_path / "edition"
    shutil.copytree(WITNESSES / LITVINOV, project / "witnesses" / LITVINOV)
    _git(project, "init", "-q")
    _git(project, "add", ".")
    _git(project, "commit", "-q", "-m", "the letter")
    passed = _try_repo(project, hook_repo, pre_commit_home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"collate check \(every variant reviewed\)\.+Passed", passed.stdout), passed.stdout

    _break(project / "witnesses")
    failed = _try_repo(project, hook_repo, pre_commit_home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert re.search(r"collate check \(every variant reviewed\)\.+Failed", failed.stdout)
    assert f"witnesses/{LITVINOV}/app.txt:" in failed.stdout and "transcription error ac12ea3257" in failed.stdout
    assert "collate check: 3 problems (1 unreviewed, 1 error, 1 stale) in 1 of 1 set" in failed.stdout


# -- the GitHub Action ------------------------------------------------------------------


def test_action_is_a_composite_action_whose_inputs_and_files_exist() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", text))
    assert used == set(action["inputs"])
    steps = action["runs"]["steps"]
    assert all("shell" in s for s in steps if "run" in s)  # composite run steps must name their shell
    uses = [s["uses"].split("@")[0] for s in steps if "uses" in s]
    assert uses == ["actions/setup-python", "actions/upload-artifact"]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["if"] == "always()" and upload["with"]["path"] == "${{ inputs.reports }}"
    scripts = re.findall(r'"\$GITHUB_ACTION_PATH/([^"]+)"', text)
    assert scripts == [".github/collate-check.sh"] and (ROOT / scripts[0]).is_file()


def _action_check(edition: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], str, str]:
    summary, output = tmp_path / "summary.md", tmp_path / "output"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "COLLATE_PATHS": "witnesses/",
           "COLLATE_ARGS": "", "RUNNER_TEMP": str(tmp_path), "GITHUB_STEP_SUMMARY": str(summary),
           "GITHUB_OUTPUT": str(output)}
    done = subprocess.run(["bash", str(ROOT / ".github" / "collate-check.sh")], cwd=edition.parent, env=env,
                          capture_output=True, text=True, timeout=300)
    return done, summary.read_text(encoding="utf-8"), output.read_text(encoding="utf-8")


def test_action_check_step_annotates_summarises_and_fails(edition: Path, tmp_path: Path) -> None:
    (tmp_path / "clean").mkdir()
    done, summary, output = _action_check(edition, tmp_path / "clean")
    assert done.returncode == 0 and output == "status=0\n"
    assert summary.startswith("## collate check\n\ncollate check: 13 variants in 8 sets") and "```" not in summary

    _break(edition)
    (tmp_path / "broken").mkdir()
    done, summary, output = _action_check(edition, tmp_path / "broken")
    assert done.returncode == 1 and output == "status=1\n"
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 3 and all(",file=witnesses/" in a for a in annotations)
    problems = run("check", "witnesses").output.splitlines()
    assert summary == "## collate check\n\n" + problems[-1] + "\n\n```\n" + "\n".join(problems[:-1]) + "\n```\n"
    assert not list(tmp_path.glob("*/collate-check.*"))  # its temporary files are gone

    (edition / LITVINOV / "set.toml").write_text("title = \n", encoding="utf-8")
    (tmp_path / "bad").mkdir()
    done, summary, output = _action_check(edition, tmp_path / "bad")
    assert done.returncode == 2 and output == "status=2\n"
    assert "could not read its input (exit 2)" in summary and f"witnesses/{LITVINOV}/set.toml:1:" in summary
