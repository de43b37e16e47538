"""Code that runs inside a worker process, on the function's Python: standard library and awslambdaric only.

Run by path (never imported by serverlite): `python <this folder>/awslambdaric_pipe.py HANDLER`.
"""

from pathlib import Path

#: The worker's entry point when the runtime hop is the pipe transport.
PIPE_RUNTIME = Path(__file__).with_name("awslambdaric_pipe.py")
