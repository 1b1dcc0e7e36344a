"""The docs stay true to the code: comments cite only what the repository holds, and
docs/architecture.md names every app and every module path it mentions as it now is."""

import importlib
import re
import subprocess
from pathlib import Path

from django.apps import apps as django_apps

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "docs" / "architecture.md"

# Product notes outside the repository, which a maintainer of it does not have: the product
# specification's sections and the reference notes. Spelled in pieces so this file does not
# match itself.
SECTION = "\u00a7"
OUTSIDE = re.compile(
    "|".join(
        [
            SECTION,  # "SPEC <section>", "the <section>9 vocabulary", "reference <section>4.4"
            r"\bSPEC\b",
            r"\breference" + "/",
            r"(?<!docs/)\b(?:tiktok|tiktok-api|anchors|pitfalls)\.md\b",
        ]
    )
)
CODE = ("*.py", "*.html", "*.js", "*.css", "*.txt", "*.toml", "*.cfg", "Makefile", "Dockerfile")


def _tracked(*patterns: str) -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--", *patterns],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [ROOT / name for name in listed if (ROOT / name).is_file()]


def _citations(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        if path == Path(__file__).resolve():
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_code_cites_only_what_the_repository_holds():
    """Say the fact in the comment, or point to a file in docs/ (docs/tiktok.md holds what we
    rely on of TikTok's order model and files)."""
    assert _citations(_tracked(*CODE)) == []


def test_code_outside_the_tests_cites_no_issue_numbers():
    """An issue says why a change was made; the code says what holds now. (Test docstrings may
    still name the issue whose review they come from.)"""
    issue = re.compile(r"\bissue " + r"[0-9]+", re.IGNORECASE)
    cited = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _tracked(*CODE)
        if not path.is_relative_to(ROOT / "tests")
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if issue.search(line)
    ]
    assert cited == []


def test_docs_cite_no_reference_notes():
    """docs/ and the README may name the product contract, never the reference notes."""
    notes = re.compile(r"\breference" + r"/|(?<!docs/)\b(?:tiktok-api|anchors|pitfalls)\.md\b")
    cited = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _tracked("*.md")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if notes.search(line)
    ]
    assert cited == []


def _local_apps() -> list[str]:
    """Our own apps of the local settings (demo and benchmarks included), by package name."""
    local = importlib.import_module("sellercenter.settings.local")
    names = {entry.split(".")[0] for entry in local.INSTALLED_APPS}
    return sorted(name for name in names if (ROOT / name / "__init__.py").exists())


def test_architecture_names_every_installed_app():
    text = ARCHITECTURE.read_text()
    apps = _local_apps()
    assert {"accounts", "orders", "demo", "benchmarks"} <= set(apps)
    assert [app for app in apps if f"`{app}/`" not in text] == []


def _backticked() -> list[str]:
    return re.findall(r"`([^`\s]+)`", ARCHITECTURE.read_text())


TOP = {entry.name for entry in ROOT.iterdir()}


def test_architecture_paths_exist():
    """Every file or folder the page names from the top of the repository is there."""
    paths = [
        token
        for token in _backticked()
        if "/" in token
        and token.split("/")[0] in TOP
        and re.fullmatch(r"[\w./-]+", token)
        and not token.startswith("/")
    ]
    assert paths, "the page names no paths: has its format changed?"
    assert [path for path in paths if not (ROOT / path).exists()] == []


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    if len(parts) == 2 and parts[1][:1].isupper():  # a model by its label: `orders.Package`
        try:
            return bool(django_apps.get_model(dotted))
        except LookupError:
            return False
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(target, name):
                try:
                    target = importlib.import_module(f"{target.__name__}.{name}")
                except (ImportError, AttributeError):
                    return False
            else:
                target = getattr(target, name)
        return True
    return False


def test_architecture_dotted_names_resolve():
    """`orders.selectors.order_list.order_list_page` and the like name what the code has."""
    apps = set(_local_apps()) | {"sellercenter"}
    names = [
        token
        for token in _backticked()
        if re.fullmatch(r"[a-z_]+(\.[A-Za-z_]+)+", token)
        and token.split(".")[0] in apps
        and not token.endswith((".py", ".md"))
    ]
    assert names, "the page names no modules: has its format changed?"
    assert [name for name in names if not _resolves(name)] == []
