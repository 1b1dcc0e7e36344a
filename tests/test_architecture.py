"""The import contracts of pyproject.toml ([tool.importlinter]) hold on this tree, and they
are not decoration: a copy of the tree with a module-level cycle added fails, naming the
contract it breaks."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
    "root_packages"
]


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _copy(tmp_path: Path) -> Path:
    """Only the Python packages and pyproject.toml: enough for the contracts, and fast."""
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copy(ROOT / "pyproject.toml", tree)
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tree / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "migrations"),
        )
    return tree


def test_the_tree_keeps_every_import_contract():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # The cycle the task modules used to hide behind an import inside a function.
        (
            "exports/services.py",
            "import exports.tasks",
            "No import cycles between the modules of a package",
        ),
        (
            "tracking/services/webhooks.py",
            "import tracking.tasks",
            "Only the wiring imports a tasks module",
        ),
        ("orders/models.py", "import exports.models", "above orders above accounts"),
        ("imports/models.py", "import imports.services", "Inside each app"),
        ("orders/services/notes.py", "import demo.seed", "never import the local-only demo"),
    ],
)
def test_a_tree_with_a_forbidden_import_fails_and_names_the_contract(
    tmp_path, module, line, contract
):
    tree = _copy(tmp_path)
    path = tree / module
    path.write_text(f"{line}  # noqa\n" + path.read_text())
    result = _lint(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout
