"""The local web console: the AWS console's pages for APIs, functions, DynamoDB and logs, in a browser.

`create_app(state, token=...)` builds the aiohttp application (JSON under `/api/`, hand-written assets
from `static/`); `serve_console(state, host, port, token=...)` listens. Nothing is fetched from the
internet. Only the console's own pages, holding the token of the printed URL, can use its API (guard.py).
"""

from serverlite.console.invocations import InvocationRecord, RecentInvocations
from serverlite.console.server import create_app, serve_console
from serverlite.console.state import ConsoleState

__all__ = ["ConsoleState", "InvocationRecord", "RecentInvocations", "create_app", "serve_console"]
