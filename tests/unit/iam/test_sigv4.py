"""The fast SigV4 verifier against botocore's `SigV4Auth` as the reference.

Many random requests signed by botocore must verify; every single-byte change to what is signed (method,
path, query, a signed header, the body, the signature, the session token) must be rejected.
"""

from __future__ import annotations

import random
import string
from urllib.parse import quote, urlsplit

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from serverlite.iam.sessions import RoleSession, role_session
from serverlite.iam.sigv4 import IncompleteSignature, SignatureMismatch, SigningError, TokenInvalid, verify

SESSION = role_session("arn:aws:iam::123456789012:role/serverlite-DemoHandleItemRole", "DemoHandleItem")
OTHER = role_session("arn:aws:iam::123456789012:role/serverlite-DemoHandleItemRole", "Other")
SESSIONS = {SESSION.access_key_id: SESSION, OTHER.access_key_id: OTHER}
WORDS = string.ascii_letters + string.digits + "-_.~ !$'()*+,;:@é/"
PLAIN = string.ascii_letters + string.digits


def _word(rng: random.Random, low: int = 1, high: int = 8, alphabet: str = WORDS) -> str:
    word = "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))
    return word if word.strip(".") else word + "x"  # no dot segments: a tamper inside one could vanish


def _signed(rng: random.Random, session: RoleSession = SESSION) -> tuple[str, str, dict[str, str], bytes]:
    """(method, target, lower-cased headers, body) of one random request as the server receives it."""
    method = rng.choice(["POST", "GET", "PUT", "DELETE"])
    path = "/" + "/".join(quote(_word(rng), safe="") for _ in range(rng.randint(0, 3)))
    query = "&".join(
        f"{quote(_word(rng), safe='')}={quote(_word(rng, 0), safe='')}" for _ in range(rng.randint(0, 3))
    )
    body = bytes(rng.randrange(256) for _ in range(rng.randint(0, 64)))
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "DynamoDB_20120810." + rng.choice(["GetItem", "PutItem", "UpdateItem"]),
        "X-Custom": f"  {_word(rng, alphabet=PLAIN)}   {_word(rng, alphabet=PLAIN)} ",
        "User-Agent": "Boto3/1.34 (not signed)",
    }
    url = f"http://127.0.0.1:{rng.randint(1024, 65535)}{path}{'?' + query if query else ''}"
    request = AWSRequest(method=method, url=url, headers=headers, data=body)
    signer = SigV4Auth(
        Credentials(session.access_key_id, session.secret_access_key, session.session_token),
        rng.choice(["dynamodb", "lambda", "logs"]),
        rng.choice(["us-east-1", "eu-west-3", "ap-southeast-2"]),
    )
    signer.add_auth(request)
    received = {name.lower(): str(value) for name, value in request.headers.items()}
    received["host"] = urlsplit(url).netloc  # the HTTP client adds it; botocore signs it
    target = urlsplit(url).path + (f"?{query}" if query else "")
    return method, target, received, body


def _verify(method: str, target: str, headers: dict[str, str], body: bytes) -> RoleSession | None:
    return verify(method, target, headers, body, SESSIONS.get)


def _flip(text: str, rng: random.Random, alphabet: str = PLAIN) -> str:
    """`text` with one non-space character replaced by a different one of `alphabet`."""
    positions = [i for i, c in enumerate(text) if not c.isspace()]
    i = rng.choice(positions)
    replacement = rng.choice([c for c in alphabet if c != text[i]])
    return text[:i] + replacement + text[i + 1 :]


def test_botocore_signed_requests_verify():
    rng = random.Random(10)
    for _ in range(500):
        assert _verify(*_signed(rng)) == SESSION


@pytest.mark.parametrize("part", ["method", "path", "query", "header", "body", "signature", "date"])
def test_any_single_byte_tamper_is_rejected(part):
    rng = random.Random(part)
    for _ in range(200):
        method, target, headers, body = _signed(rng)
        path, _, query = target.partition("?")
        if part == "method":
            method = _flip(method, rng)
        elif part == "path":
            target = _flip(path, rng) + (f"?{query}" if query else "")
        elif part == "query":
            if not query:
                continue
            target = f"{path}?{_flip(query, rng)}"
        elif part == "header":
            name = rng.choice(["content-type", "x-amz-target", "x-custom", "host"])
            headers[name] = _flip(headers[name], rng)
        elif part == "body":
            if not body:
                continue
            i = rng.randrange(len(body))
            body = body[:i] + bytes([body[i] ^ rng.randint(1, 255)]) + body[i + 1 :]
        elif part == "signature":
            prefix, _, signature = headers["authorization"].rpartition("Signature=")
            headers["authorization"] = (
                f"{prefix}Signature={_flip(signature, rng, string.hexdigits.lower()[:16])}"
            )
        else:
            headers["x-amz-date"] = _flip(headers["x-amz-date"], rng)
        with pytest.raises(SignatureMismatch):
            _verify(method, target, headers, body)


def test_whitespace_in_header_values_is_canonicalised():
    method, target, headers, body = _signed(random.Random(1))
    headers["x-custom"] = "\t" + headers["x-custom"].replace(" ", "  ") + "  "
    assert _verify(method, target, headers, body) == SESSION


def test_unsigned_header_changes_do_not_matter():
    method, target, headers, body = _signed(random.Random(2))
    headers["user-agent"] = "aws-cli/2"
    assert _verify(method, target, headers, body) == SESSION


def test_dot_segments_are_normalised_as_botocore_does():
    request = AWSRequest(method="POST", url="http://localhost:8000/a/./b/../c", data=b"{}")
    SigV4Auth(
        Credentials(SESSION.access_key_id, SESSION.secret_access_key, SESSION.session_token),
        "dynamodb",
        "us-east-1",
    ).add_auth(request)
    headers = {name.lower(): str(value) for name, value in request.headers.items()} | {
        "host": "localhost:8000"
    }
    assert _verify("POST", "/a/./b/../c", headers, b"{}") == SESSION


def test_a_content_sha256_header_must_match_the_body():
    method, target, headers, body = _signed(random.Random(4))
    headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD"
    with pytest.raises(SignatureMismatch):
        _verify(method, target, headers, body)


def test_a_signed_header_that_is_missing_is_a_mismatch():
    method, target, headers, body = _signed(random.Random(5))
    del headers["x-custom"]
    with pytest.raises(SignatureMismatch):
        _verify(method, target, headers, body)


def test_another_sessions_token_is_invalid():
    method, target, headers, body = _signed(random.Random(6))
    headers["x-amz-security-token"] = OTHER.session_token
    with pytest.raises(TokenInvalid):
        _verify(method, target, headers, body)


def test_a_session_signing_with_another_sessions_secret_is_a_mismatch():
    method, target, headers, body = _signed(random.Random(7), OTHER)
    headers["authorization"] = headers["authorization"].replace(OTHER.access_key_id, SESSION.access_key_id)
    headers["x-amz-security-token"] = SESSION.session_token
    with pytest.raises(SignatureMismatch):
        _verify(method, target, headers, body)


def test_unmapped_keys_and_unsigned_requests_are_unchecked():
    method, target, headers, body = _signed(random.Random(8))
    assert (
        _verify(
            method,
            target,
            {**headers, "authorization": headers["authorization"].replace("ASIA", "AKIA")},
            body,
        )
        is None
    )
    assert _verify(method, target, {k: v for k, v in headers.items() if k != "authorization"}, body) is None


def test_an_incomplete_authorization_header():
    with pytest.raises(IncompleteSignature):
        _verify("POST", "/", {"authorization": f"AWS4-HMAC-SHA256 Credential={SESSION.access_key_id}/x"}, b"")
    assert issubclass(IncompleteSignature, SigningError)


@pytest.mark.parametrize("path", ["/", "", "/a//b/", "/a/./b/../../c/", "/../x", "a/b/..", "/%2E%2E/a", "//"])
def test_paths_normalise_as_botocore_does(path):
    from botocore.utils import normalize_url_path

    from serverlite.iam.sigv4 import _remove_dot_segments

    assert _remove_dot_segments(path or "/") == normalize_url_path(path)
