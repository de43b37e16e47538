"""`cfn-lint` prints nothing for template.yaml (issue 2 acceptance) nor for any example: they all deploy
unchanged with `sam deploy`."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = [
    "template.yaml",
    *sorted(str(p.relative_to(REPO)) for p in REPO.glob("examples/*/template.yaml")),
]


@pytest.mark.parametrize("template", TEMPLATES)
def test_cfn_lint_is_clean(template):
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    done = subprocess.run([str(cfn_lint), template], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
