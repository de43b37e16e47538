"""What each function's workers run, prepared once at start: interpreter, dependencies, runtime folder.

For every Python function: the interpreter its `Runtime` names (pythons.py), its `requirements.txt` built
as `sam build` does (builds.py), and the runtime folder of that Python version. The resulting
`WorkerImage` isolates the function as Lambda does: it imports its code, its dependencies and the runtime's
packages, never serverlite's. A failed build is kept as the function's failure: its invocations fail
with the installer's explanation.
"""

from __future__ import annotations

import hashlib
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
from serverlite.template.model import Function, Layer

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
    try:
        if requirements is not None:
            import_path.append(_build(preparer, function.name, function.logical_id, requirements, target))
        import_path += _layer_path(preparer, function, target, runtime)
    except _BuildFailed as error:
        failure = f"dependencies of function {function.name} could not be installed: {error}"
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


class _BuildFailed(Exception):
    """A build failed: the message names the requirements line (or the layer) and the installer's words."""


def _layer_path(preparer: ImagePreparer, function: Function, target: Target, runtime: Path) -> list[Path]:
    """The `/opt/python/lib/python3.X/site-packages` and `/opt/python` stand-ins of the function's layers.

    Lambda extracts the layers into `/opt` in order, a later layer's files replacing an earlier one's: so the
    later layers come first in each of the two groups.
    """
    site_packages: list[Path] = []
    python: list[Path] = []
    minor = f"python{target.version[0]}.{target.version[1]}"
    for layer in reversed(function.layers):
        # One build per layer and Python version, shared by the functions using it.
        key = f"layer-{layer.logical_id or hashlib.sha256(layer.arn.encode()).hexdigest()[:12]}-{minor}"
        if layer.requirement is not None:  # the public layer's zip holds python/<packages>
            python.append(_requirement_build(preparer, layer, key, target, runtime))
        elif layer.content_dir is not None and layer.build_method is not None:
            requirements = layer.content_dir / REQUIREMENTS
            if requirements.is_file():
                python.append(_build(preparer, _layer_name(layer), key, requirements, target))
            python.append(layer.content_dir)
        elif layer.content_dir is not None:
            site_packages.append(layer.content_dir / "python" / "lib" / minor / "site-packages")
            python.append(layer.content_dir / "python")
    return [path for path in (*site_packages, *python) if path.is_dir()]


def _layer_name(layer: Layer) -> str:
    return f"layer {layer.logical_id or layer.arn}"


def _requirement_build(
    preparer: ImagePreparer, layer: Layer, key: str, target: Target, runtime: Path
) -> Path:
    """A public layer stood in for by its PyPI package: a one-line requirements file, built as any other but
    without what the runtime provides (boto3 ...), as the public layers are built."""
    assert layer.requirement is not None
    folder = preparer.data_dir / "build" / key
    folder.mkdir(parents=True, exist_ok=True)
    requirements = folder / f".{REQUIREMENTS}"
    text = f"# {layer.arn}\n{layer.requirement}\n"
    if not requirements.is_file() or requirements.read_text() != text:
        requirements.write_text(text)
    return _build(preparer, f"layer {layer.arn}", key, requirements, target, without=runtime)


def _build(
    preparer: ImagePreparer,
    name: str,
    key: str,
    requirements: Path,
    target: Target,
    *,
    without: Path | None = None,
) -> Path:
    """Raises _BuildFailed."""
    try:
        return _built(preparer, name, key, requirements, target, without)
    except InstallFailed as error:
        raise _BuildFailed(_failure_detail(requirements, error.detail)) from None


def _built(
    preparer: ImagePreparer, name: str, key: str, requirements: Path, target: Target, without: Path | None
) -> Path:
    builds = preparer.data_dir / "build" / key
    builds.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    count = len(_requirement_lines(requirements))
    minor = f"python{target.version[0]}.{target.version[1]}"
    announced = False

    def announce() -> None:
        preparer.say(
            f"Building {name}: {count} requirement{'s' if count != 1 else ''} from {requirements} "
            f"({minor}, {target.architecture}, {installer_name()}) ..."
        )

    # Only a build that does not exist yet is announced (a cached one costs nothing).
    folder_exists = any(child.is_dir() and not child.name.startswith(".") for child in builds.iterdir())
    if not folder_exists:
        announce()
        announced = True
    folder, built = dependencies_folder(requirements, target, builds, without=without)
    if built:
        if not announced:
            announce()
        installed = sum(1 for entry in folder.iterdir() if entry.name.endswith(".dist-info"))
        preparer.say(
            f"Built {name}: {installed} package{'s' if installed != 1 else ''} in "
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


def _failure_detail(requirements: Path, detail: str) -> str:
    """`requirements.txt:3: nosuchpkg==1.0: <the installer's words>` (the line when the installer names its
    package)."""
    said = _normalized(detail)
    culprit = ""
    for number, text in _requirement_lines(requirements):
        match = _NAME.match(text)
        if match and re.search(rf"(?<![a-z0-9-]){re.escape(_normalized(match.group(1)))}(?![a-z0-9])", said):
            culprit = f"{requirements}:{number}: {text}: "
            break
    if not culprit:
        culprit = f"{requirements}: "
    return f"{culprit}{detail}"
