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


def test_code_cites_no_issue_numbers():
    """An issue says why a change was made; the code, and a test's docstring, say the rule that
    holds now."""
    issue = re.compile(r"\bissue " + r"[0-9]+", re.IGNORECASE)
    cited = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _tracked(*CODE)
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


def _paths(text: str) -> list[str]:
    """The backticked paths from the top of the repository (`orders/models/`), without the
    run-time folder `var/`, which a fresh checkout does not have."""
    return [
        token
        for token in re.findall(r"`([^`\s]+)`", text)
        if "/" in token
        and token.split("/")[0] in TOP - {"var"}
        and re.fullmatch(r"[\w./-]+", token)
        and not token.startswith("/")
    ]


def test_architecture_paths_exist():
    """Every file or folder the page names from the top of the repository is there."""
    paths = _paths(ARCHITECTURE.read_text())
    assert paths, "the page names no paths: has its format changed?"
    assert [path for path in paths if not (ROOT / path).exists()] == []


def test_docs_and_readme_paths_exist():
    """The other pages of docs/ and the README name files that are there. docs/decisions.md is
    left out: it records each choice as the tree was when it was made."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    missing = [
        f"{page.relative_to(ROOT)}: {path}"
        for page in pages
        if page.name != "decisions.md"
        for path in _paths(page.read_text())
        if not (ROOT / path).exists()
    ]
    assert missing == []


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


def _app_rows() -> dict[str, str]:
    """The rows of the page's table of apps, by app: `| `orders/` | subject | modules |`."""
    rows = re.findall(r"^\| `(\w+)/` \|(.*)$", ARCHITECTURE.read_text(), re.MULTILINE)
    return dict(rows)


def _undescribed(app: str, row: str) -> list[str]:
    """The modules, packages and commands of `app` that its row does not name in backticks."""
    named = set(re.findall(r"`([^`\s]+)`", row))
    tails = {token.rstrip("/").rsplit("/", 1)[-1] for token in named}
    missing = []
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT / app)
        if "migrations" in relative.parts or path.name in ("__init__.py", "apps.py"):
            continue
        if relative.parts[:2] == ("management", "commands"):
            if not {path.stem, path.name} & tails:
                missing.append(f"command {path.stem}")
            continue
        if path.name not in tails:
            missing.append(str(relative))
        for package in relative.parts[:-1]:
            if package not in tails and package != "management":
                missing.append(f"{package}/")
    return sorted(set(missing))


def test_architecture_describes_every_module_of_every_app():
    """Each app's row of the table names each of its modules (by file name), its packages and
    its commands, so a module added, moved or renamed shows up here."""
    apps = set(_local_apps()) | {"sellercenter"}
    rows = _app_rows()
    assert apps <= set(rows)
    missing = {app: _undescribed(app, rows[app]) for app in sorted(apps)}
    assert {app: names for app, names in missing.items() if names} == {}


def _journeys() -> list[list[str]]:
    """The cells of the table "Where to find things", one list per journey."""
    text = ARCHITECTURE.read_text().split("## Where to find things", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[1:]]


def test_architecture_journeys_name_what_the_code_has():
    """A bare name after a dotted one in a cell (`orders.views.order_list.order_list`,
    `order_counts`) is a neighbour of the dotted one in its module, and the model column names
    models."""
    journeys = _journeys()
    assert len(journeys) > 10, "the journey table has changed shape"
    models = {model.__name__ for model in django_apps.get_models()}
    wrong = []
    for journey, _url, view, reads, model in journeys:
        for cell in (view, reads):
            module = None
            for token in re.findall(r"`([^`\s]+)`", cell):
                if re.fullmatch(r"[a-z_]+(\.[A-Za-z_]+)+", token):
                    module = token.rsplit(".", 1)[0]
                elif (
                    re.fullmatch(r"[a-z_]+", token)
                    and module
                    and not _resolves(f"{module}.{token}")
                ):
                    wrong.append(f"{journey}: {module}.{token}")
        wrong += [
            f"{journey}: model {name}"
            for name in re.findall(r"`([^`\s]+)`", model)
            if name not in models
        ]
    assert wrong == []
