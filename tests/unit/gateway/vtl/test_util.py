"""`$util`: AWS doc "$util variables" table (api-gateway-mapping-template-reference.md)."""

from __future__ import annotations

import json

import pytest

from serverlite.gateway.vtl import render
from serverlite.gateway.vtl.util import escape_javascript


def out(template, data):
    return render(template, data).output


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        # AWS doc: "will turn any regular single quotes (') into escaped ones (\')".
        ("it's", "it\\'s"),
        ('say "hi"', 'say \\"hi\\"'),
        ("a\\b", "a\\\\b"),
        # commons-lang StringEscapeUtils.escapeJavaScript also escapes '/', control and non-ASCII characters.
        ("</script>", "<\\/script>"),
        ("l1\nl2\tx\r", "l1\\nl2\\tx\\r"),
        ("\x01", "\\u0001"),
        ("café", "caf\\u00E9"),
        ("😀", "\\uD83D\\uDE00"),
        ("plain 123", "plain 123"),
        ("", ""),
    ],
)
def test_escape_javascript(text, escaped):
    assert escape_javascript(text) == escaped


def test_escape_javascript_in_a_template(make):
    assert (
        out("$util.escapeJavaScript($input.path('$.s'))", make('{"s": "it\'s \\"q\\""}')) == 'it\\\'s \\"q\\"'
    )


def test_the_docs_escaped_quote_replacement(make):
    # AWS doc: $util.escapeJavaScript(data).replaceAll("\\'","'") turns \' back into '.
    assert (
        out("""$util.escapeJavaScript($input.path('$.s')).replaceAll("\\\\'","'")""", make('{"s": "it\'s"}'))
        == "it's"
    )


def test_parse_json_docs_example(make):
    # AWS doc $util.parseJson(): payload {"errorMessage":"{\"key1\":\"var1\",\"key2\":{\"arr\":[1,2,3]}}"}.
    template = """#set ($errorMessageObj = $util.parseJson($input.path('$.errorMessage')))
{
   "errorMessageObjKey2ArrVal" : $errorMessageObj.key2.arr[0]
}
"""
    body = json.dumps({"errorMessage": json.dumps({"key1": "var1", "key2": {"arr": [1, 2, 3]}})})
    assert json.loads(out(template, make(body))) == {"errorMessageObjKey2ArrVal": 1}


def test_url_encode_and_decode(make):
    # java.net.URLEncoder (application/x-www-form-urlencoded): space -> '+', '*' kept, '~' encoded.
    assert out("$util.urlEncode('a b&c=d/é*~')", make()) == "a+b%26c%3Dd%2F%C3%A9*%7E"
    assert out("$util.urlDecode('a+b%26c%3Dd')", make()) == "a b&c=d"


def test_base64_encode_and_decode(make):
    assert out("$util.base64Encode('héllo')", make()) == "aMOpbGxv"
    assert out("$util.base64Decode('aMOpbGxv')", make()) == "héllo"
