"""`$util`: the helper functions API Gateway offers mapping templates.

Reference: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html
("$util variables"); "Unless otherwise specified, the default character set is UTF-8".
"""

from __future__ import annotations

import base64
import json
import typing as t
from urllib.parse import quote_plus, unquote_plus

from serverlite.gateway.vtl.java import JavaString, java_str, to_vtl

__all__ = ["Util", "escape_javascript"]

# StringEscapeUtils.escapeJavaScript (commons-lang): the AWS doc says "Escapes the characters in a
# string using JavaScript string rules" and "will turn any regular single quotes (') into escaped ones
# (\')". Besides the quote, backslash and slash, commons-lang writes \b \t \n \f \r, and \uXXXX
# (upper-case hex, UTF-16 units) for other control characters and everything above U+007F.
_ESCAPES = {"'": "\\'", '"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\t": "\\t", "\n": "\\n"}
_ESCAPES |= {"\f": "\\f", "\r": "\\r"}


def escape_javascript(text: str) -> str:
    """`$util.escapeJavaScript`: commons-lang's JavaScript string escaping."""
    out = []
    for char in text:
        code = ord(char)
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif code < 0x20 or 0x7F < code <= 0xFFFF:
            out.append(f"\\u{code:04X}")
        elif code > 0xFFFF:
            high, low = divmod(code - 0x10000, 0x400)
            out.append(f"\\u{0xD800 + high:04X}\\u{0xDC00 + low:04X}")
        else:
            out.append(char)
    return "".join(out)


class Util:
    """The `$util` object; method names are AWS's."""

    def escapeJavaScript(self, value: object) -> JavaString | None:  # noqa: N802 - AWS's name
        """Escapes a string with JavaScript string rules; null stays null."""
        return None if value is None else JavaString(escape_javascript(java_str(value)))

    def parseJson(self, text: object) -> t.Any:  # noqa: N802 - AWS's name
        """Parses stringified JSON into a map, list, string, number, boolean or null.

        Raises:
            ValueError: the text is not JSON (the template fails).
        """
        return to_vtl(json.loads(java_str(text)))

    def urlEncode(self, value: object) -> JavaString:  # noqa: N802 - AWS's name
        """`application/x-www-form-urlencoded` as java.net.URLEncoder writes it (`*` kept, `~` encoded)."""
        return JavaString(quote_plus(java_str(value), safe="*").replace("~", "%7E"))

    def urlDecode(self, value: object) -> JavaString:  # noqa: N802 - AWS's name
        """Decodes an `application/x-www-form-urlencoded` string (`+` is a space)."""
        return JavaString(unquote_plus(java_str(value)))

    def base64Encode(self, value: object) -> JavaString:  # noqa: N802 - AWS's name
        """Base64 of the string's UTF-8 bytes."""
        return JavaString(base64.b64encode(java_str(value).encode()).decode("ascii"))

    def base64Decode(self, value: object) -> JavaString:  # noqa: N802 - AWS's name
        """The UTF-8 text of base64 data.

        Raises:
            binascii.Error: the data is not base64 (the template fails).
        """
        raw = base64.b64decode(java_str(value))
        return JavaString(raw.decode("utf-8", errors="replace"))
