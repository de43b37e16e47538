"""How a worker process is launched: its interpreter, its command, its folder and its import path.

The one place that says what a function's execution environment runs and can import. On Lambda a Python
function sees, in this order (https://docs.aws.amazon.com/lambda/latest/dg/python-package.html):
its code (`/var/task`, where `sam build` also puts its dependencies), its layers (`/opt/python/lib/python3.X/
site-packages`, `/opt/python`), then the runtime's own packages (awslambdaric, boto3) and the standard
library. `WorkerImage` is that list for one function; `worker_process` turns it into a command line,
working folder and environment.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from serverlite.runtime.bootstrap import PIPE_RUNTIME
from serverlite.runtime.context import RuntimeSettings, lambda_environment
from serverlite.runtime.pipe_api import FD_VARIABLE
from serverlite.template.model import Function

__all__ = ["INLINE_FILE", "ProcessSpec", "WorkerImage", "task_root", "worker_process"]

# CloudFormation writes `ZipFile` (SAM `InlineCode`) source to a file named `index` with the runtime's
# extension: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-function-code.html
INLINE_FILE = "index.py"


@dataclass(frozen=True)
class WorkerImage:
    """What a function's workers run: the interpreter and, after the task root, the import path.

    `isolated` starts the interpreter without its own site-packages (`-S`), so a function imports only what
    `import_path` and the standard library give it, as on Lambda. Without it (tests that run handlers on
    serverlite's own interpreter), the interpreter's site-packages follow the import path.
    """

    python: str = sys.executable
    import_path: tuple[Path, ...] = ()
    isolated: bool = False
    runtime_dir: Path | None = None  # LAMBDA_RUNTIME_DIR: the folder holding awslambdaric

    @property
    def lambda_runtime_dir(self) -> Path:
        """`/var/runtime`'s stand-in."""
        return self.runtime_dir or Path(self.python).parent


@dataclass(frozen=True)
class ProcessSpec:
    """Everything `create_subprocess_exec` needs to start one worker."""

    argv: tuple[str, ...]
    cwd: Path
    env: Mapping[str, str]
    pass_fds: tuple[int, ...] = ()


def task_root(function: Function, data_dir: Path) -> Path:
    """The function's `/var/task`: its code folder, or for inline code a folder holding `index.py`.

    Inline code is written under the data dir (`<data dir>/inline/<LogicalId>/index.py`) when it differs
    from what is there.
    """
    if function.inline_code is None:
        return function.code_dir
    folder = data_dir / "inline" / function.logical_id
    path = folder / INLINE_FILE
    if not path.is_file() or path.read_text(encoding="utf-8") != function.inline_code:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{INLINE_FILE}.partial"
        partial.write_text(function.inline_code, encoding="utf-8")
        partial.replace(path)
    return folder


def worker_process(
    function: Function,
    settings: RuntimeSettings,
    image: WorkerImage,
    *,
    runtime_api: str,
    log_stream: str,
    tmp_dir: Path,
    runtime_fd: int | None = None,
) -> ProcessSpec:
    """The command, folder and environment of one worker of `function`.

    With `runtime_fd` the worker runs awslambdaric over the socket it inherits as that descriptor
    (runtime/pipe_api.py); without, awslambdaric's own HTTP client talks to `runtime_api`."""
    root = task_root(function, settings.data_dir)
    env = lambda_environment(
        function,
        settings,
        runtime_api=runtime_api,
        log_stream=log_stream,
        tmp_dir=tmp_dir,
        task_root=root,
        runtime_dir=image.lambda_runtime_dir,
    )
    env["PYTHONPATH"] = ":".join(str(path) for path in (root, *image.import_path))
    flags = ("-S",) if image.isolated else ()
    if runtime_fd is None:
        argv = (image.python, *flags, "-m", "awslambdaric", function.handler)
        return ProcessSpec(argv=argv, cwd=root, env=env)
    env[FD_VARIABLE] = str(runtime_fd)
    argv = (image.python, *flags, str(PIPE_RUNTIME), function.handler)
    return ProcessSpec(argv=argv, cwd=root, env=env, pass_fds=(runtime_fd,))
