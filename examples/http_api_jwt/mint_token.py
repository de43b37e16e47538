"""Print a JWT that the example's authorizer accepts locally, as the Cognito user pool would issue it.

The first run writes a signing key and its JWKS to `.serverlite/` beside this file (git-ignored); start
serverlite with `--jwks UserPool=examples/http_api_jwt/.serverlite/jwks.json`. Locally `!Ref UserPool` is
`UserPool` and `!Ref UserPoolClient` is `UserPoolClient`, so the issuer is
`https://cognito-idp.<region>.amazonaws.com/UserPool`. With `--scope` the token is an access token
(`client_id`, `scope`), else an ID token (`aud`).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEYS = Path(__file__).resolve().parent / ".serverlite"
KID = "local-key-1"


def signing_key() -> rsa.RSAPrivateKey:
    """The example's private key, created (with its JWKS) on first use."""
    private = KEYS / "jwt-private.pem"
    if not private.exists():
        KEYS.mkdir(exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        private.write_bytes(pem)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        (KEYS / "jwks.json").write_text(
            json.dumps({"keys": [{**jwk, "kid": KID, "alg": "RS256", "use": "sig"}]})
        )
    loaded = serialization.load_pem_private_key(private.read_bytes(), password=None)
    assert isinstance(loaded, rsa.RSAPrivateKey)
    return loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sub", default="alice", help="the token's subject")
    parser.add_argument("--scope", help="space-separated scopes: an access token (e.g. notes/write)")
    parser.add_argument("--expires-in", type=int, default=3600, help="seconds until the token expires")
    parser.add_argument("--region", default="us-east-1")
    args = parser.parse_args()
    now = int(time.time())
    claims = {
        "sub": args.sub,
        "iss": f"https://cognito-idp.{args.region}.amazonaws.com/UserPool",
        "iat": now,
        "exp": now + args.expires_in,
    }
    if args.scope:
        claims |= {"token_use": "access", "client_id": "UserPoolClient", "scope": args.scope}
    else:
        claims |= {"token_use": "id", "aud": "UserPoolClient"}
    print(jwt.encode(claims, signing_key(), algorithm="RS256", headers={"kid": KID}))


if __name__ == "__main__":
    main()
