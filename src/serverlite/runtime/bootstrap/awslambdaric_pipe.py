"""A worker's runtime: AWS's awslambdaric, talking to serverlite over a socket instead of HTTP.

`awslambdaric.bootstrap.run(handler, client)` (awslambdaric 4.x) does everything a Lambda runtime does:
imports the handler, builds the context, shapes errors, formats logs. Its client, `LambdaRuntimeClient`,
turns the runtime's calls into Runtime API requests through a native module (`runtime_client`, HTTP
over libcurl) and, for an init error, `http.client`. Here the client is awslambdaric's own class, with
those two transport points replaced: the native module by `_Frames` (same functions, same return values),
`call_rapid` by a frame. Everything above them is AWS's code. The socket is inherited from serverlite;
frames are length-prefixed:

    frame = kind (1 byte) | header length (4 bytes, big endian) | body length (4 bytes) | header | body

worker -> serverlite: b"N" next (no header, no body); b"R" response ({"id"}, the result);
b"E" error ({"id"}, the error JSON); b"I" init error ({"type"}, the error JSON).
serverlite -> worker: b"V" event ({"id", "deadline", "arn", "trace", "context", "identity"}, the event).
serverlite/runtime/pipe_api.py is the other end. Only the standard library and awslambdaric are
imported here: the function's import path must not see serverlite.
"""

import json
import os
import socket
import struct
import sys
import time

_PREFIX = struct.Struct(">BII")
# Lambda's limit on a response, and the Runtime API's answer past it (serverlite/runtime/errors.py).
_RESPONSE_LIMIT = 6291556
_TOO_LARGE = (
    '{"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).",'
    '"errorType":"RequestEntityTooLarge"}'
)


class _Frames:
    """The functions of awslambdaric's native `runtime_client` module, over serverlite's socket."""

    def __init__(self, sock):
        self._sock = sock

    def initialize_client(self, user_agent):
        pass

    def send(self, kind, header, body=b""):
        encoded = json.dumps(header).encode() if header is not None else b""
        self._sock.sendall(_PREFIX.pack(ord(kind), len(encoded), len(body)) + encoded + body)

    def _receive_exactly(self, size):
        buffer = bytearray(size)
        view = memoryview(buffer)
        received = 0
        while received < size:
            count = self._sock.recv_into(view[received:])
            if count == 0:
                sys.exit(0)  # serverlite closed the session: this environment is over
            received += count
        return bytes(buffer)

    def next(self):
        """(event body, headers) as the native module returns them for `GET .../invocation/next`."""
        self.send("N", None)
        _, header_length, body_length = _PREFIX.unpack(self._receive_exactly(_PREFIX.size))
        header = json.loads(self._receive_exactly(header_length))
        body = self._receive_exactly(body_length) if body_length else b""
        headers = {
            "Lambda-Runtime-Aws-Request-Id": header["id"],
            "Lambda-Runtime-Deadline-Ms": header["deadline"],
            "Lambda-Runtime-Invoked-Function-Arn": header["arn"],
            "Lambda-Runtime-Trace-Id": header["trace"],
            "Content-Type": "application/json",
        }
        if "context" in header:
            headers["Lambda-Runtime-Client-Context"] = header["context"]
        if "identity" in header:
            headers["Lambda-Runtime-Cognito-Identity"] = header["identity"]
        return body, headers

    def post_invocation_result(self, invoke_id, result_data, *rest):
        self.send("R", {"id": invoke_id}, result_data)
        if len(result_data) > _RESPONSE_LIMIT:
            # What the native client does on the Runtime API's 413: log this line and fail the post (the
            # runtime then exits, as it does on Lambda).
            print(
                f"[ERROR] [{int(time.time() * 1000)}] LAMBDA_RUNTIME Failed to post handler success "
                f"response. Http response code: 413. {_TOO_LARGE}",
                flush=True,
            )
            raise RuntimeError("Failed to post invocation response")

    def post_error(self, invoke_id, error_response_data, xray_fault, *rest):
        body = error_response_data.encode() if isinstance(error_response_data, str) else error_response_data
        self.send("E", {"id": invoke_id}, body)


def _client(frames):
    from awslambdaric.lambda_runtime_client import LambdaRuntimeClient
    from awslambdaric.lambda_runtime_marshaller import to_json

    class PipeRuntimeClient(LambdaRuntimeClient):
        def call_rapid(self, http_method, endpoint, expected_http_code, payload=None, headers=None):
            if not endpoint.endswith("/init/error"):
                raise RuntimeError(f"{endpoint} is not served over serverlite's socket")
            error_type = (headers or {}).get("Lambda-Runtime-Function-Error-Type")
            frames.send("I", {"type": error_type}, to_json(payload).encode())

    return PipeRuntimeClient(os.environ["AWS_LAMBDA_RUNTIME_API"])


def main():
    handler = sys.argv[1]
    # As `python -m awslambdaric` started in the task root: the task root first on the import path, and
    # this file's folder nowhere on it.
    sys.path[0] = os.getcwd()
    frames = _Frames(socket.socket(fileno=int(os.environ.pop("_SERVERLITE_RUNTIME_FD"))))
    from awslambdaric import bootstrap, lambda_runtime_client

    lambda_runtime_client.runtime_client = frames
    bootstrap.run(handler, _client(frames))


if __name__ == "__main__":
    main()
