"""A local `.zip` CodeUri: unpacked once into the user cache, by the archive's content.

SAM CLI takes a zip file as `CodeUri` as it is (the deployment package); Lambda runs its content as /var/task.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import zipfile
from pathlib import Path

from serverlite.cache import cache_root
from serverlite.template.errors import TemplateError

__all__ = ["unpacked"]


def unpacked(path: Path) -> Path:
    """`path` itself, or for a `.zip` file the folder holding its content.

    Raises:
        TemplateError: the file is not a zip archive or holds paths outside itself.
    """
    if path.suffix.lower() != ".zip" or not path.is_file():
        return path
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    folder = cache_root() / "archives" / digest
    if folder.is_dir():
        return folder
    partial = folder.parent / f".{digest}.{os.getpid()}.partial"
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("/") or ".." in Path(name).parts:
                    raise TemplateError(f"CodeUri {path.name}: {name!r} would land outside the code folder")
            archive.extractall(partial)
        partial.rename(folder)
    except zipfile.BadZipFile:
        raise TemplateError(f"CodeUri {path}: not a zip archive") from None
    except OSError:
        if not folder.is_dir():
            raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return folder
