"""Child processes that never outlive serverlite."""

from __future__ import annotations

import ctypes
import os
import signal

__all__ = ["die_with_parent"]

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """`preexec_fn` for children: SIGKILL when the parent dies (even by SIGKILL); own process group.

    The own group keeps a terminal's Ctrl-C from reaching workers directly: serverlite stops them itself.
    """
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass
    os.setpgrp()
