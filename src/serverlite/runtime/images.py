"""What each function's workers run, prepared once at start: interpreter, dependencies, runtime folder.

For every Python function: the interpreter its `Runtime` names (pythons.py), its `requirements.txt` built
as `sam build` does (builds.py), and the runtime folder of that Python version. The resulting
`WorkerImage` isolates the function as Lambda does: it imports its code, its dependencies and the runtime's
packages, never serverlite's. A failed build is kept as the function's failure: its invocations fail
with the installer's explanation.
"""

from __future__ import annotations

import platform
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from serverlite.runtime.builds import dependencies_folder, runtime_folder
from serverlite.runtime.installer import InstallFailed, Target, installer_name
from serverlite.runtime.launch import WorkerImage
from serverlite.runtime.pythons import Interpreter, find_python
from serverlite.template.model import Function

__all__ = ["ImagePreparer", "Images", "prepare_images", "requirements_file"]

Say = Callable[[str], None]
REQUIREMENTS = "requirements.txt"


@dataclass
class Images:
    """The worker image of each function (by logical id) and the build failure of those that have one."""

    images: dict[str, WorkerImage] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImagePreparer:
    """Prepares images, remembering the interpreters and runtime folders it already found.

    `say` receives progress and warnings; with `announce`, also which interpreter each runtime uses.
    """

    data_dir: Path
    say: Say
    cache: Path | None = None
    announce: bool = True
    interpreters: dict[str, Interpreter] = field(default_factory=dict)
    runtimes: dict[tuple[str, str], Path | None] = field(default_factory=dict)

    def image(self, function: Function) -> tuple[WorkerImage, str | None]:
        """One function's image and its build failure, if any."""
        return _prepare_image(self, function)


def prepare_images(functions: Iterable[Function], preparer: ImagePreparer) -> Images:
    """Interpreters, runtime folders and dependency builds of `functions`, with progress on `say`."""
    prepared = Images()
    for function in functions:
        image, failure = preparer.image(function)
        prepared.images[function.logical_id] = image
        if failure is not None:
            prepared.failures[function.logical_id] = failure
    return prepared


def _prepare_image(preparer: ImagePreparer, function: Function) -> tuple[WorkerImage, str | None]:
    interpreter = _interpreter(preparer, function.runtime)
    target = Target(interpreter.path, interpreter.version, _architecture(preparer, function))
    runtime = _runtime_folder(preparer, target)
    if runtime is None:  # no runtime folder: serverlite's own interpreter and packages, as before
        return WorkerImage(), None
    import_path: list[Path] = []
    failure = None
    requirements = requirements_file(function)
    if requirements is not None:
        try:
            import_path.append(_build(preparer, function, requirements, target))
        except InstallFailed as error:
            failure = _failure_message(function, requirements, error.detail)
            preparer.say(f"Build failed: {failure}")
    image = WorkerImage(
        python=target.python, import_path=(*import_path, runtime), isolated=True, runtime_dir=runtime
    )
    return image, failure


def requirements_file(function: Function) -> Path | None:
    """The `requirements.txt` beside the function's code, as `sam build` finds it."""
    if function.inline_code is not None:
        return None
    path = function.code_dir / REQUIREMENTS
    return path if path.is_file() else None


def _interpreter(preparer: ImagePreparer, runtime: str) -> Interpreter:
    if runtime not in preparer.interpreters:
        found = preparer.interpreters[runtime] = find_python(runtime)
        if found.exact:
            if preparer.announce:
                preparer.say(f"Runtime {runtime}: {found.path} ({found.source})")
        else:
            preparer.say(
                f"Warning: no {runtime} interpreter found (PATH, pyenv, uv): {runtime} functions run on "
                f"Python {found.version[0]}.{found.version[1]} ({found.path}) and may behave differently"
            )
    return preparer.interpreters[runtime]


_MACHINES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}


def _architecture(preparer: ImagePreparer, function: Function) -> str:
    """The function's architecture when this machine has it; else this machine's, with a warning."""
    here = _MACHINES.get(platform.machine().lower(), "x86_64")
    if function.architecture != here:
        preparer.say(
            f"Warning: function {function.name} declares {function.architecture}; this machine is {here}, "
            f"so its dependencies are built for {here}"
        )
    return here


def _runtime_folder(preparer: ImagePreparer, target: Target) -> Path | None:
    key = (f"{target.version[0]}.{target.version[1]}", target.architecture)
    if key not in preparer.runtimes:
        started = time.monotonic()
        try:
            folder, built = runtime_folder(target, preparer.cache)
        except InstallFailed as error:
            preparer.say(
                f"Warning: the python{key[0]} runtime folder (awslambdaric, boto3) could not be installed "
                f"with {installer_name()}: {error.detail.splitlines()[-1]}; its functions run on "
                "serverlite's own Python and see its packages"
            )
            preparer.runtimes[key] = None
        else:
            if built:
                preparer.say(
                    f"Installed the python{key[0]} runtime folder (awslambdaric, boto3) in "
                    f"{time.monotonic() - started:.1f} s: {folder}"
                )
            preparer.runtimes[key] = folder
    return preparer.runtimes[key]


def _build(preparer: ImagePreparer, function: Function, requirements: Path, target: Target) -> Path:
    builds = preparer.data_dir / "build" / function.logical_id
    builds.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    count = len(_requirement_lines(requirements))
    minor = f"python{target.version[0]}.{target.version[1]}"
    announced = False

    def announce() -> None:
        preparer.say(
            f"Building {function.name}: {count} requirement{'s' if count != 1 else ''} from {requirements} "
            f"({minor}, {target.architecture}, {installer_name()}) ..."
        )

    # Only a build that does not exist yet is announced (a cached one costs nothing).
    folder_exists = any(child.is_dir() and not child.name.startswith(".") for child in builds.iterdir())
    if not folder_exists:
        announce()
        announced = True
    folder, built = dependencies_folder(requirements, target, builds)
    if built:
        if not announced:
            announce()
        installed = sum(1 for entry in folder.iterdir() if entry.name.endswith(".dist-info"))
        preparer.say(
            f"Built {function.name}: {installed} package{'s' if installed != 1 else ''} in "
            f"{time.monotonic() - started:.1f} s"
        )
    return folder


_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _requirement_lines(requirements: Path) -> list[tuple[int, str]]:
    """(line number, text) of each requirement (comments, blank lines and options left out)."""
    lines = []
    for number, text in enumerate(requirements.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        text = text.split(" #", 1)[0].strip()
        if text and not text.startswith(("#", "-")):
            lines.append((number, text))
    return lines


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _failure_message(function: Function, requirements: Path, detail: str) -> str:
    """`function 'F': requirements.txt:3: nosuchpkg==1.0: <the installer's words>` (the line when the
    installer names its package)."""
    said = _normalized(detail)
    culprit = ""
    for number, text in _requirement_lines(requirements):
        match = _NAME.match(text)
        if match and re.search(rf"(?<![a-z0-9-]){re.escape(_normalized(match.group(1)))}(?![a-z0-9])", said):
            culprit = f"{requirements}:{number}: {text}: "
            break
    if not culprit:
        culprit = f"{requirements}: "
    return f"dependencies of function {function.name} could not be installed: {culprit}{detail}"
